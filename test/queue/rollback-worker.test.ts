import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { createRollbackWorker } from '../../src/queue/rollback-worker.js';
import { RedisCancellation } from '../../src/stores/redis-cancellation.js';
import { JobAbandonedError, PermanentError } from '../../src/errors/rollback-error.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { RollbackExecutor } from '../../src/rollback/rollback-executor.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { RollbackStep } from '../../src/rollback/step.js';
import type { Strategy } from '../../src/rollback/strategy.js';
import { LocalCommandRunner } from '../../src/targets/shell/local-command-runner.js';
import { kaizenService } from '../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('worker');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const locks = new RedisServiceLocks(redis, keys);

/** The domain's executor over the test's Redis stores, with the given strategies. */
function executor(strategies: Map<string, Strategy>): RollbackExecutor {
  return new RollbackExecutor({
    catalog: new Catalog([serviceSchema.parse(kaizenService())]),
    strategies,
    guardRunner: new LocalCommandRunner(),
    progress,
    locks,
    memory: (jobId) => new RedisJobMemory(redis, keys, jobId),
    log: silentLogger(),
  });
}

/** A kubernetes strategy whose runbook is the given steps. */
function strategyOf(steps: RollbackStep[]): Map<string, Strategy> {
  return new Map([
    [
      'kubernetes',
      {
        name: 'kubernetes',
        supports: () => true,
        listVersions: async () => [],
        resolve: async () => ({ from: 'a', to: 'b', target: {}, actions: [] }),
        steps: () => steps,
      },
    ],
  ]);
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('the rollback worker', () => {
  beforeEach(async () => {
    // Each test starts with kaizen free (one test leaves it locked on purpose).
    await redis.del(keys.serviceLock('kaizen'));
  });

  it('fails a job whose strategy it lacks, says why, and frees the service', async () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new BullmqRollbackQueue(connection, prefix);
    const worker = createRollbackWorker({
      connection,
      keys,
      executor: executor(new Map()),
      log: silentLogger(),
    });
    try {
      const plan = testPlan(newJobId('kaizen'), ['rollback']);
      await locks.acquire('kaizen', plan.jobId);
      await progress.publish(initialSnapshot(plan));
      await queue.enqueue(plan);
      await expect
        .poll(async () => (await progress.get(plan.jobId))?.state, { timeout: 10_000 })
        .toBe('failed');
      const snapshot = await progress.get(plan.jobId);
      expect(snapshot?.outcome?.summary).toContain('strategy kubernetes is not available on this worker');
      await expect.poll(() => locks.holder('kaizen'), { timeout: 5_000 }).toBeUndefined();
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('abandons a job whose lock it lost: stops at once, publishes nothing more, keeps the service locked', async () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new BullmqRollbackQueue(connection, prefix);
    let started!: () => void;
    let stoppedWith: unknown;
    const stepStarted = new Promise<void>((resolve) => (started = resolve));
    const slowStrategy: Strategy = {
      name: 'kubernetes',
      supports: () => true,
      listVersions: async () => [],
      resolve: async () => ({ from: 'a', to: 'b', target: {}, actions: [] }),
      steps: () => [
        {
          id: 'monitor',
          title: 'Monitor',
          run: (ctx) =>
            new Promise((_resolve, reject) => {
              started();
              ctx.signal.addEventListener(
                'abort',
                () => {
                  stoppedWith = ctx.signal.reason;
                  reject(ctx.signal.reason);
                },
                { once: true },
              );
            }),
        },
      ],
    };
    const worker = createRollbackWorker({
      connection,
      keys,
      executor: executor(new Map([['kubernetes', slowStrategy]])),
      log: silentLogger(),
    });
    try {
      const plan = testPlan(newJobId('kaizen'), ['monitor']);
      await locks.acquire('kaizen', plan.jobId);
      await progress.publish(initialSnapshot(plan));
      await queue.enqueue(plan);
      await stepStarted;
      const before = await progress.get(plan.jobId);
      expect(before?.state).toBe('running');
      // What BullMQ emits when it could not renew this worker's lock on the job.
      worker.emit('lockRenewalFailed', [plan.jobId]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stoppedWith).toBeInstanceOf(JobAbandonedError);
      const after = await progress.get(plan.jobId);
      expect(after?.state).toBe('running');
      expect(after?.version).toBe(before?.version);
      expect(await locks.holder('kaizen')).toBe(plan.jobId);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('records a rollback that succeeded as a completed job, and one that failed as a failed job, both with the outcome', async () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new BullmqRollbackQueue(connection, prefix);
    let fail = false;
    const worker = createRollbackWorker({
      connection,
      keys,
      executor: executor(
        strategyOf([
          {
            id: 'rollback',
            title: 'Roll back',
            run: async () => {
              if (fail) throw new PermanentError('rollout_failed', 'the rollout did not finish');
            },
          },
        ]),
      ),
      log: silentLogger(),
    });
    try {
      const ok = testPlan(newJobId('kaizen'), ['rollback']);
      await locks.acquire('kaizen', ok.jobId);
      await queue.enqueue(ok);
      await expect.poll(() => queue.queue.getJobState(ok.jobId), { timeout: 10_000 }).toBe('completed');
      const completed = await queue.queue.getJob(ok.jobId);
      expect(completed?.returnvalue).toEqual({
        state: 'succeeded',
        summary: (await progress.get(ok.jobId))?.outcome?.summary,
      });
      expect(await locks.holder('kaizen')).toBeUndefined();

      fail = true;
      const bad = testPlan(newJobId('kaizen'), ['rollback']);
      await locks.acquire('kaizen', bad.jobId);
      await queue.enqueue(bad);
      await expect.poll(() => queue.queue.getJobState(bad.jobId), { timeout: 10_000 }).toBe('failed');
      const failed = await queue.queue.getJob(bad.jobId);
      expect(failed?.failedReason).toBe(
        'Rollback of kaizen failed at step "Roll back": the rollout did not finish',
      );
      expect(failed?.attemptsMade).toBe(1);
      expect((await progress.get(bad.jobId))?.state).toBe('failed');
      expect(await locks.holder('kaizen')).toBeUndefined();
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('stops a running job when any process broadcasts a cancel, in the name of who cancelled', async () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new BullmqRollbackQueue(connection, prefix);
    const cancellation = new RedisCancellation(redis, keys, silentLogger(), () => redis.duplicate());
    await cancellation.start();
    let started!: () => void;
    const stepStarted = new Promise<void>((resolve) => (started = resolve));
    const worker = createRollbackWorker({
      connection,
      keys,
      executor: executor(
        strategyOf([
          {
            id: 'monitor',
            title: 'Monitor',
            run: (ctx) =>
              new Promise((_resolve, reject) => {
                started();
                ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
              }),
          },
          { id: 'verify', title: 'Verify', run: async () => undefined },
        ]),
      ),
      log: silentLogger(),
      cancellation,
    });
    try {
      const plan = testPlan(newJobId('kaizen'), ['monitor', 'verify']);
      await locks.acquire('kaizen', plan.jobId);
      await queue.enqueue(plan);
      await stepStarted;
      await cancellation.request(plan.jobId, {
        by: { id: 'U0BOB', name: 'bob', source: 'slack' },
        at: new Date().toISOString(),
      });
      await expect.poll(() => queue.queue.getJobState(plan.jobId), { timeout: 10_000 }).toBe('failed');
      const snapshot = await progress.get(plan.jobId);
      expect(snapshot?.state).toBe('cancelled');
      expect(snapshot?.steps.map((s) => s.state)).toEqual(['cancelled', 'skipped']);
      expect((await queue.queue.getJob(plan.jobId))?.failedReason).toContain(
        'was cancelled by bob during "Monitor"',
      );
      expect(await locks.holder('kaizen')).toBeUndefined();
    } finally {
      await worker.close();
      await queue.close();
      await cancellation.close();
    }
  });
});
