/**
 * SIGTERM to a worker process in the middle of a rollback (a rolling update, a node drain): the step in
 * flight reaches its safe point, the job goes back to the queue, and another worker process resumes it at
 * once, not after the lock expires. The change is applied once and the status ends right.
 */
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLLBACK_QUEUE } from '../../src/queue/bullmq-rollback-queue.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { jobIdOf, RollbackObserver, stepStates } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

/** Long enough that only a hand-back, never stalled-job recovery, can explain a prompt resume. */
const LOCK_MS = 60_000;

function patches(kube: FakeKube): number {
  return kube.requests.filter((r) => r.method === 'PATCH').length;
}

describe('SIGTERM to a worker process mid-rollback', () => {
  let kube: FakeKube;
  let web: TestBot;
  let observer: RollbackObserver;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 4_000 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 1 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    web = await startTestBot({
      role: 'web',
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('60s') },
    });
    observer = new RollbackObserver(web.config.redisPrefix);
  }, 30_000);

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
    observer.close();
    await web.close();
    await kube.close();
  });

  it('hands the job back at a safe point; another worker resumes it at once and applies nothing twice', async () => {
    const options = {
      prefix: web.config.redisPrefix,
      servicesDir: web.config.servicesDir,
      kubeconfigPath: kube.kubeconfigPath,
      lockDurationMs: LOCK_MS,
      stalledIntervalMs: LOCK_MS,
    };
    workers.push(...(await Promise.all([startWorkerProcess(options), startWorkerProcess(options)])));
    const jobId = jobIdOf((await web.slash('kaizen v0.7.0')).body.text);
    await observer.waitFor(jobId, (s) => stepStates(s)['monitor'] === 'running');
    // SIGTERM goes to the worker running the job; the other one is idle.
    const running = (w: WorkerProcess) => w.output().includes(`"jobId":"${jobId}"`);
    // The step is running; the worker's log line saying so may still be on its way through the pipe.
    await expect.poll(() => workers.some(running), { timeout: 10_000 }).toBe(true);
    const first = workers.find(running)!;
    const second = workers.find((w) => w !== first)!;
    expect(running(second)).toBe(false);

    const stopped = await first.terminate();
    expect(stopped.exitCode).toBe(0);
    // The worker says how its shutdown went: every running job was handed back in time.
    expect(first.output()).toMatch(
      /"unfinished":0,.*"rollback workers stopped: every running job was handed back"/,
    );
    console.info(`worker shutdown (SIGTERM to exit) took ${stopped.ms} ms, during the monitor step`);

    const final = await observer.waitFor(
      jobId,
      (s) => s.state === 'succeeded' || s.state === 'failed',
      30_000,
    );
    expect(final.state).toBe('succeeded');
    expect(final.outcome?.summary).toMatch(/^Rolled back kaizen from .*v0\.8\.0.* to .*v0\.7\.0/);
    expect(patches(kube)).toBe(1);
    expect(second.output()).toContain(jobId);
    expect(final.details.map((d) => d.text)).toContainEqual(
      expect.stringMatching(
        /shutting down: it handed the job back to the queue during step "Monitor rollout"/,
      ),
    );

    // Handed back, not recovered as stalled (the lock would have taken a minute to expire).
    const queue = new Queue(ROLLBACK_QUEUE, {
      connection: { url: TEST_REDIS_URL },
      prefix: `${web.config.redisPrefix}:bull`,
    });
    try {
      const job = await queue.getJob(jobId);
      expect(job?.stalledCounter ?? 0).toBe(0);
      expect(await job?.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
    const audit = await observer.auditOf(jobId);
    expect(audit.filter((e) => e.type === 'step_started').map((e) => e.detail)).toEqual([
      'identify',
      'precheck',
      'rollback',
      'monitor',
      'monitor',
      'verify',
    ]);
    expect(audit.filter((e) => e.type === 'succeeded')).toHaveLength(1);
  }, 90_000);
});
