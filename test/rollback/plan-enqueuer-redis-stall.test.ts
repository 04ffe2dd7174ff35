import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { PlanEnqueuer } from '../../src/rollback/plan-enqueuer.js';
import { RequestAudit } from '../../src/rollback/request-audit.js';
import { StaleLockRecovery } from '../../src/rollback/stale-lock-recovery.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { testPlan } from '../support/test-plan.js';

/** The shared connection's command timeout here (the bot's default is 2 s): a stall longer than it. */
const COMMAND_TIMEOUT_MS = 300;

describe('PlanEnqueuer while Redis stalls (a real redis-server frozen with SIGSTOP)', () => {
  let redis: PrivateRedis;
  let connections: RedisConnectionFactory;
  let queue: BullmqRollbackQueue;
  let enqueuer: PlanEnqueuer;
  let locks: RedisServiceLocks;
  let progress: RedisProgressStore;

  beforeEach(async () => {
    redis = await startPrivateRedis();
    connections = new RedisConnectionFactory({
      url: redis.url,
      prefix: 'stall',
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    const client = connections.command();
    const keys = new RedisKeys(connections.keyPrefix);
    progress = new RedisProgressStore(client, keys);
    locks = new RedisServiceLocks(client, keys);
    queue = new BullmqRollbackQueue(connections.bullmqConnection(), keys.prefix);
    enqueuer = new PlanEnqueuer({
      queue,
      locks: new StaleLockRecovery(locks, progress),
      index: new RedisRollbackIndex(client, keys),
      progress,
      approvals: undefined,
      workers: undefined,
      audit: new RequestAudit(undefined),
      now: () => new Date(),
    });
    await client.ping();
    await queue.queue.waitUntilReady();
  });
  afterEach(async () => {
    redis.thaw();
    await queue.close();
    await connections.close();
    await redis.stop();
  });

  it('queues the rollback once when Redis answers again within a few seconds, though its first commands timed out', async () => {
    const plan = testPlan(newJobId('kaizen'), ['a']);
    // Frozen from before the lock is asked for until after the first attempts have timed out: Redis then
    // carries out the commands that reached it meanwhile, the lock's first acquire included.
    redis.freeze();
    const thawed = new Promise<void>((resolve) =>
      setTimeout(() => {
        redis.thaw();
        resolve();
      }, 3 * COMMAND_TIMEOUT_MS),
    );
    await expect(enqueuer.enqueue(plan)).resolves.toEqual(plan);
    await thawed;

    expect(await locks.holder('kaizen')).toBe(plan.jobId);
    expect((await progress.get(plan.jobId))?.state).toBe('queued');
    expect((await queue.queue.getJob(plan.jobId))?.id).toBe(plan.jobId);
    expect(await queue.queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 1,
      delayed: 0,
      active: 0,
    });
    // A second request for the service is still refused: the lock is the queued job's.
    await expect(enqueuer.enqueue(testPlan(newJobId('kaizen'), ['a']))).rejects.toMatchObject({
      code: 'rollback_in_progress',
    });
  });
});
