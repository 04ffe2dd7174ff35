import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import { SiteWorkers } from '../../src/queue/site-workers.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { RollbackExecutor } from '../../src/rollback/rollback-executor.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import type { Strategy } from '../../src/rollback/strategy.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { LocalCommandRunner } from '../../src/targets/shell/local-command-runner.js';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('site-workers');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const locks = new RedisServiceLocks(redis, keys);
const connection = { host: '127.0.0.1', port: 6379 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Site workers of the eu-1 site running the given steps as the kubernetes strategy. */
function siteWorkers(steps: RollbackStep[], extra: { runs?: () => boolean } = {}): SiteWorkers {
  const strategy: Strategy = {
    name: 'kubernetes',
    supports: () => true,
    listVersions: async () => [],
    resolve: async () => ({ from: 'a', to: 'b', target: {}, actions: [] }),
    steps: () => steps,
  };
  const executor = new RollbackExecutor({
    catalog: new Catalog([serviceSchema.parse(kaizenService('60s', { site: 'eu-1' }))]),
    strategies: new Map([['kubernetes', strategy]]),
    guardRunner: new LocalCommandRunner(),
    progress,
    locks,
    memory: (jobId) => new RedisJobMemory(redis, keys, jobId),
    log: silentLogger(),
  });
  return new SiteWorkers({
    sites: ['eu-1'],
    connection,
    keys,
    executor,
    log: silentLogger(),
    refusedDelayMs: 100,
    ...extra,
  });
}

/** A plan of the eu-1 site, locked, published and queued. */
async function enqueue(queue: BullmqRollbackQueue, stepIds: string[]) {
  const plan = { ...testPlan(newJobId('kaizen'), stepIds), site: 'eu-1' };
  await locks.acquire('kaizen', plan.jobId);
  await progress.publish(initialSnapshot(plan));
  await queue.enqueue(plan);
  return plan;
}

/** A step that runs until its signal aborts (an interruptible wait, like waiting for a rollout). */
function waitingStep(id: string, onStart: () => void): RollbackStep {
  return {
    id,
    title: `Step ${id}`,
    run: (ctx) =>
      new Promise((_resolve, reject) => {
        onStart();
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
  };
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('site workers', () => {
  beforeEach(async () => {
    await redis.del(keys.serviceLock('kaizen'));
  });

  it('take jobs from their own site only; a cancel finds a job in any site', async () => {
    const queue = new BullmqRollbackQueue(connection, prefix, { sites: ['eu-1'] });
    let ran = 0;
    const workers = siteWorkers([{ id: 'rollback', title: 'Roll back', run: async () => void ran++ }]);
    try {
      const elsewhere = { ...testPlan(newJobId('kaizen'), ['rollback']), site: 'us-1' };
      await queue.enqueue(elsewhere);
      const here = await enqueue(queue, ['rollback']);
      await expect
        .poll(() => queue.of('eu-1').getJobState(here.jobId), { timeout: 10_000 })
        .toBe('completed');
      expect(await queue.of('us-1').getJobState(elsewhere.jobId)).toBe('waiting');
      expect(ran).toBe(1);
      // Cancel finds a job whichever site's queue holds it (a fresh producer opens the catalog's sites).
      const canceller = new BullmqRollbackQueue(connection, prefix, { sites: ['eu-1', 'us-1'] });
      try {
        expect(await canceller.removeUnlessRunning(elsewhere.jobId)).toBe('removed');
        expect(await canceller.removeUnlessRunning(here.jobId)).toBe('finished');
        expect(await canceller.removeUnlessRunning('kaizen-none-xxxx')).toBe('absent');
      } finally {
        await canceller.close();
      }
    } finally {
      await workers.close(5_000);
      await queue.close();
    }
  });

  it('leave a job whose strategy they do not run in the queue, untouched, for a worker that does', async () => {
    const queue = new BullmqRollbackQueue(connection, prefix, { sites: ['eu-1'] });
    let ran = 0;
    const steps = [{ id: 'rollback', title: 'Roll back', run: async () => void ran++ }];
    const refusing = siteWorkers(steps, { runs: () => false });
    try {
      const plan = await enqueue(queue, ['rollback']);
      await sleep(600);
      // The refusing worker keeps taking the job (active for a moment) and putting it back (delayed, then
      // waiting): whenever it is not holding it, the job is back in the queue, neither failed nor completed.
      await expect
        .poll(() => queue.of('eu-1').getJobState(plan.jobId), { timeout: 10_000, interval: 20 })
        .toMatch(/^(delayed|waiting)$/);
      const snapshot = await progress.get(plan.jobId);
      expect(snapshot?.state).toBe('queued');
      expect(snapshot?.version).toBe(1);
      expect(await locks.holder('kaizen')).toBe(plan.jobId);
      expect(ran).toBe(0);

      await refusing.close(5_000);
      const able = siteWorkers(steps);
      try {
        await expect
          .poll(async () => (await progress.get(plan.jobId))?.state, { timeout: 10_000 })
          .toBe('succeeded');
        expect(ran).toBe(1);
      } finally {
        await able.close(5_000);
      }
    } finally {
      await refusing.close(5_000);
      await queue.close();
    }
  });

  it('hand a running job back on shutdown at its next safe point; the next worker goes on from there', async () => {
    const queue = new BullmqRollbackQueue(connection, prefix, { sites: ['eu-1'] });
    const runs: string[] = [];
    let monitorStarted!: () => void;
    const monitoring = new Promise<void>((resolve) => (monitorStarted = resolve));
    const first = siteWorkers([
      {
        id: 'rollback',
        title: 'Roll back',
        interruptible: false,
        run: async () => void runs.push('rollback'),
      },
      waitingStep('monitor', () => {
        runs.push('monitor');
        monitorStarted();
      }),
    ]);
    const plan = await enqueue(queue, ['rollback', 'monitor']);
    await monitoring;

    const report = await first.close(5_000);
    expect(report.unfinished).toBe(0);
    // Back in the queue, not failed; the service stays locked for the job; nothing says it ended.
    expect(await queue.of('eu-1').getJobState(plan.jobId)).toBe('waiting');
    expect(await locks.holder('kaizen')).toBe(plan.jobId);
    const handedBack = await progress.get(plan.jobId);
    expect(handedBack?.state).toBe('running');
    expect(handedBack?.steps.map((s) => s.state)).toEqual(['done', 'running']);
    expect(handedBack?.details.at(-1)?.text).toMatch(
      /shutting down: it handed the job back to the queue during step "Step monitor"/,
    );

    const second = siteWorkers([
      {
        id: 'rollback',
        title: 'Roll back',
        interruptible: false,
        run: async () => void runs.push('rollback'),
      },
      { id: 'monitor', title: 'Step monitor', run: async () => void runs.push('monitor') },
    ]);
    try {
      await expect
        .poll(async () => (await progress.get(plan.jobId))?.state, { timeout: 10_000 })
        .toBe('succeeded');
      expect(runs).toEqual(['rollback', 'monitor', 'monitor']);
      const job = await queue.of('eu-1').getJob(plan.jobId);
      expect(job?.stalledCounter ?? 0).toBe(0);
      expect(await locks.holder('kaizen')).toBeUndefined();
    } finally {
      await second.close(5_000);
      await queue.close();
    }
  });

  it('let a non-interruptible step finish before handing back; past the grace period they stop waiting', async () => {
    const queue = new BullmqRollbackQueue(connection, prefix, { sites: ['eu-1'] });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const workers = siteWorkers([
      {
        id: 'rollback',
        title: 'Roll back',
        interruptible: false,
        run: async () => {
          started();
          await held;
        },
      },
      { id: 'verify', title: 'Verify', run: async () => undefined },
    ]);
    const plan = await enqueue(queue, ['rollback', 'verify']);
    await running;
    const report = await workers.close(300);
    expect(report.unfinished).toBe(1);
    expect((await progress.get(plan.jobId))?.steps.map((s) => s.state)).toEqual(['running', 'pending']);
    // The step finishes after all, and the job is handed back before the next one.
    release();
    await expect.poll(() => queue.of('eu-1').getJobState(plan.jobId), { timeout: 10_000 }).toBe('waiting');
    expect((await progress.get(plan.jobId))?.steps.map((s) => s.state)).toEqual(['done', 'pending']);
    await queue.of('eu-1').remove(plan.jobId);
    await queue.close();
  });
});
