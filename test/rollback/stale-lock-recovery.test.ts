import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import { StaleLockRecovery } from '../../src/rollback/stale-lock-recovery.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('stale');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const progress = new RedisProgressStore(redis, keys);
const locks = new StaleLockRecovery(new RedisServiceLocks(redis, keys), progress);

const plan = (jobId: string) => testPlan(jobId);

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('StaleLockRecovery', () => {
  it('keeps refusing while the holder is queued or running', async () => {
    const holder = newJobId('svc-a');
    await progress.publish(initialSnapshot(plan(holder), 'running'));
    expect(await locks.acquire('svc-a', holder)).toEqual({ acquired: true });
    expect(await locks.acquire('svc-a', newJobId('svc-a'))).toEqual({ acquired: false, holderJobId: holder });
  });

  it('takes over a lock whose job already finished (worker died before releasing it)', async () => {
    const holder = newJobId('svc-b');
    expect(await locks.acquire('svc-b', holder)).toEqual({ acquired: true });
    await progress.publish(initialSnapshot(plan(holder), 'succeeded'));
    const next = newJobId('svc-b');
    expect(await locks.acquire('svc-b', next)).toEqual({ acquired: true });
    expect(await locks.holder('svc-b')).toBe(next);
  });

  it('takes over a lock left by a request that never got its job queued, but not a fresh one', async () => {
    const orphan = newJobId('svc-c', new Date(Date.now() - 5 * 60_000));
    await new RedisServiceLocks(redis, keys).acquire('svc-c', orphan);
    const next = newJobId('svc-c');
    expect(await locks.acquire('svc-c', next)).toEqual({ acquired: true });

    const fresh = newJobId('svc-d');
    await new RedisServiceLocks(redis, keys).acquire('svc-d', fresh);
    expect(await locks.acquire('svc-d', newJobId('svc-d'))).toEqual({ acquired: false, holderJobId: fresh });
  });
});
