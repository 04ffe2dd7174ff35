import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisReplayCache } from '../../src/stores/redis-replay-cache.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const prefix = testPrefix('replay');
const keys = new RedisKeys(prefix);
/** The bot's own shared connection (its command timeout included), as start-slack.ts passes it. */
const connections = new RedisConnectionFactory({ url: TEST_REDIS_URL, prefix });
const redis = connections.command();
/** Writes on the connection's socket: how many times the cache went to Redis. */
let socketWrites = 0;

beforeAll(async () => {
  await redis.ping();
  if (!(redis instanceof Redis)) throw new Error('expected a single-node connection');
  const stream = redis.stream;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    socketWrites++;
    return write(...args);
  }) as typeof stream.write;
});
afterAll(async () => {
  await deletePrefix(prefix);
  await connections.close();
});

describe('RedisReplayCache (real Redis)', () => {
  it('tells the first copy of a request from a replay, one at a time', async () => {
    const cache = new RedisReplayCache(redis, keys);
    expect(await cache.seen('v0:1700000000:sig-a', 60_000)).toBe(false);
    expect(await cache.seen('v0:1700000000:sig-a', 60_000)).toBe(true);
    expect(await cache.seen('v0:1700000000:sig-b', 60_000)).toBe(false);
  });

  it('50 requests arriving together go to Redis in one write, and each still gets its own answer', async () => {
    const cache = new RedisReplayCache(redis, keys);
    const before = socketWrites;
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, i) => cache.seen(`v0:1700000001:burst-${i}`, 60_000)),
    );
    expect(first).toEqual(Array.from({ length: 50 }, () => false));
    expect(socketWrites - before).toBe(1);
    // Sent again (replayed): every one is caught.
    const again = await Promise.all(
      Array.from({ length: 50 }, (_, i) => cache.seen(`v0:1700000001:burst-${i}`, 60_000)),
    );
    expect(again).toEqual(Array.from({ length: 50 }, () => true));
  });

  it('two copies of one request in the same burst: exactly one is first', async () => {
    const cache = new RedisReplayCache(redis, keys);
    const answers = await Promise.all([
      cache.seen('v0:1700000002:other', 60_000),
      cache.seen('v0:1700000002:twice', 60_000),
      cache.seen('v0:1700000002:twice', 60_000),
    ]);
    expect(answers[0]).toBe(false);
    expect(answers.slice(1).sort()).toEqual([false, true]);
  });

  it('a replay is forgotten after its time to live', async () => {
    const cache = new RedisReplayCache(redis, keys);
    expect(await cache.seen('v0:1700000003:short', 50)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await cache.seen('v0:1700000003:short', 50)).toBe(false);
  });

  it('when Redis cannot be reached, every request of the burst is refused with the error', async () => {
    const down = new Redis({
      port: 9,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    try {
      const cache = new RedisReplayCache(down, keys);
      const results = await Promise.allSettled([cache.seen('a', 1_000), cache.seen('b', 1_000)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      down.disconnect();
    }
  });
});
