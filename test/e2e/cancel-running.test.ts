import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { blocksText, jobIdOf, RollbackObserver, stepStates } from '../support/rollback-observer.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const CHANNEL = 'C0DEPLOYS';

describe('/rollback cancel of a job running on another worker process', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let observer: RollbackObserver;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 1 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    // Pods of the target never become ready, so the rollout watch (monitor step) is in progress until the
    // cancel lands, however slow the machine is.
    kube.markImageBroken('kaizen:v0.7.0');
    // This process is the web role only: the job can run nowhere but in the separate worker process.
    bot = await startTestBot({
      role: 'web',
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
    });
    observer = new RollbackObserver(bot.config.redisPrefix);
    worker = await startWorkerProcess({
      prefix: bot.config.redisPrefix,
      servicesDir: bot.config.servicesDir,
      kubeconfigPath: kube.kubeconfigPath,
    });
  }, 60_000);
  afterEach(async () => {
    await worker?.stop();
    observer.close();
    await bot.close();
    await kube.close();
  });

  it('aborts the rollout watch at once, runs no further step, and reports exactly what was done', async () => {
    const jobId = jobIdOf((await bot.slash('kaizen v0.7.0')).body.text);
    await observer.waitFor(jobId, (s) => stepStates(s)['monitor'] === 'running');

    const { body } = await bot.slash(`cancel ${jobId}`, { userId: 'U0BOB', userName: 'bob' });
    // Either the answer left before the worker stopped, or the worker was quicker and it says so.
    const answer = blocksText(body);
    if (answer.includes(`Cancel requested for ${jobId}`)) {
      expect(answer).toContain('"Monitor rollout" is running');
    } else {
      expect(answer).toContain(`Cancelled ${jobId}`);
    }

    const final = await observer.waitFor(jobId, (s) => s.state === 'cancelled', 10_000);
    // The new pod is not ready yet: the watch was aborted, not waited out.
    const status = kube.deployment('default', 'kaizen').status;
    // (kubectl rollout status: done when updated == status.replicas == available == 1; old pod still there)
    expect(status?.updatedReplicas === 1 && status.replicas === 1 && status.availableReplicas === 1).toBe(
      false,
    );
    expect(stepStates(final)).toEqual({
      identify: 'done',
      precheck: 'done',
      rollback: 'done',
      monitor: 'cancelled',
      verify: 'skipped',
    });
    expect(final.cancelRequested?.by.name).toBe('bob');
    const summary = final.outcome?.summary ?? '';
    expect(summary).toContain('cancelled by bob during "Monitor rollout", which was stopped half-way');
    expect(summary).toMatch(
      /Done: Identify current and target versions \(.*\), Pre-rollback checks \(.*\), Perform rollback \(image\) \(image set to kaizen:v0\.7\.0\)\./,
    );
    expect(summary).toContain('Not done: Post-rollback verification.');
    expect(summary).toContain('Nothing that was done has been undone');

    // The patch was made once and not undone; the worker process is still alive and idle.
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(worker?.alive()).toBe(true);
    // The worker releases the service lock right after publishing the final snapshot.
    const locks = new RedisServiceLocks(observer.redis, observer.keys);
    await expect.poll(() => locks.holder('kaizen'), { timeout: 5_000 }).toBeUndefined();

    const audit = await observer.auditOf(jobId);
    expect(audit.filter((e) => e.type === 'cancel_requested').map((e) => e.actor.name)).toEqual(['bob']);
    expect(audit.filter((e) => e.type === 'cancelled').map((e) => e.actor.name)).toEqual(['bob']);
    expect(audit.filter((e) => e.type === 'step_ended').map((e) => e.detail)).toContain(
      'monitor: cancelled: The rollback was cancelled.',
    );
    expect(audit.some((e) => e.type === 'step_started' && e.detail === 'verify')).toBe(false);

    await bot.slack.waitFor(
      () =>
        /cancelled by bob/i.test(
          bot.slack
            .messages(CHANNEL)
            .map((m) => blocksText(m))
            .join('\n'),
        ),
      5_000,
    );

    // Cancelling it again answers that it is already over.
    const again = await bot.slash(`cancel ${jobId}`);
    expect(blocksText(again.body)).toContain('already cancelled');
  }, 60_000);
});
