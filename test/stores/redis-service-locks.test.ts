import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const prefix = testPrefix('locks');
const keys = new RedisKeys(prefix);
const connections: Redis[] = [];
function locks(): RedisServiceLocks {
  const redis = new Redis(TEST_REDIS_URL);
  connections.push(redis);
  return new RedisServiceLocks(redis, keys);
}

afterAll(async () => {
  await deletePrefix(prefix);
  for (const c of connections) c.disconnect();
});

describe('RedisServiceLocks', () => {
  it('lets exactly one of many simultaneous requests for a service win, from separate connections', async () => {
    const contenders = Array.from({ length: 20 }, (_, i) => ({ locks: locks(), jobId: `kaizen-job-${i}` }));
    const results = await Promise.all(contenders.map((c) => c.locks.acquire('kaizen', c.jobId)));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const winnerId = contenders[results.findIndex((r) => r.acquired)]!.jobId;
    for (const r of results) if (!r.acquired) expect(r.holderJobId).toBe(winnerId);
  });

  it('the job holding the lock acquires it again (an acquire sent again after a timeout), another job does not', async () => {
    const l = locks();
    expect(await l.acquire('ledger', 'ledger-1')).toEqual({ acquired: true });
    expect(await l.acquire('ledger', 'ledger-1')).toEqual({ acquired: true });
    expect(await l.acquire('ledger', 'ledger-2')).toEqual({ acquired: false, holderJobId: 'ledger-1' });
    expect(await l.holder('ledger')).toBe('ledger-1');
  });

  it('only the holder releases; then the next request wins', async () => {
    const l = locks();
    expect(await l.acquire('billing', 'billing-1')).toEqual({ acquired: true });
    await l.release('billing', 'billing-2');
    expect(await l.holder('billing')).toBe('billing-1');
    await l.release('billing', 'billing-1');
    expect(await l.acquire('billing', 'billing-2')).toEqual({ acquired: true });
  });
});
