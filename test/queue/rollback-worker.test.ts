import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { createRollbackWorker } from '../../src/queue/rollback-worker.js';
import { JobAbandonedError } from '../../src/errors/rollback-error.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
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

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('the rollback worker', () => {
  it('fails a job whose strategy it lacks, says why, and frees the service', async () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new BullmqRollbackQueue(connection, prefix);
    const worker = createRollbackWorker({
      connection,
      redis,
      keys,
      catalog: new Catalog([serviceSchema.parse(kaizenService())]),
      strategies: new Map(),
      progress,
      locks,
      log: silentLogger(),
      guardRunner: new LocalCommandRunner(),
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
      redis,
      keys,
      catalog: new Catalog([serviceSchema.parse(kaizenService())]),
      strategies: new Map([['kubernetes', slowStrategy]]),
      progress,
      locks,
      log: silentLogger(),
      guardRunner: new LocalCommandRunner(),
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
});
