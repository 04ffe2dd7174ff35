import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisSiteHeartbeats } from '../../src/stores/redis-site-heartbeats.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const prefix = testPrefix('heartbeats');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const heartbeats = new RedisSiteHeartbeats(redis, keys);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('site heartbeats', () => {
  it('know who is alive in a site and what each runs, until a beat expires or a worker leaves', async () => {
    const a = { id: 'a', host: 'node-1', strategies: ['kubernetes'] };
    const b = { id: 'b', host: 'node-2', strategies: ['helm', 'kubernetes'] };
    await heartbeats.beat('eu-1', a, 300);
    await heartbeats.beat('eu-1', b, 5_000);
    await heartbeats.beat('us-1', { id: 'c', host: 'node-3', strategies: ['apt'] }, 5_000);
    expect((await heartbeats.live('eu-1')).sort((x, y) => x.id.localeCompare(y.id))).toEqual([a, b]);
    expect((await heartbeats.live('us-1')).map((w) => w.id)).toEqual(['c']);
    expect(await heartbeats.live('ap-1')).toEqual([]);

    await sleep(400);
    expect(await heartbeats.live('eu-1')).toEqual([b]);
    await heartbeats.leave('eu-1', 'b');
    expect(await heartbeats.live('eu-1')).toEqual([]);
  });

  it('leave no key behind once every worker of a site stopped beating', async () => {
    await heartbeats.beat('gone-1', { id: 'x', host: 'h', strategies: [] }, 200);
    await sleep(350);
    expect(await redis.exists(keys.siteWorkers('gone-1'))).toBe(0);
  });

  it('skip a value it cannot read instead of failing', async () => {
    await redis.hset(keys.siteWorkers('odd-1'), 'junk', `${Date.now() + 60_000} not-json`);
    await heartbeats.beat('odd-1', { id: 'ok', host: 'h', strategies: ['git'] }, 5_000);
    expect((await heartbeats.live('odd-1')).map((w) => w.id)).toEqual(['ok']);
  });
});
