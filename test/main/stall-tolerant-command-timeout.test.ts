import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../src/errors/store-unavailable.js';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';
import { ALICE, startRollbackDomain, testService } from '../support/rollback-domain.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';

/** The shared connection's command timeout here (the bot's default is 2 s). */
const TIMEOUT_MS = 200;
/** Scheduling slack on a loaded test machine (timers fire late). */
const SLACK_MS = 300;

/** Keeps this process busy (no timers, no socket reads) for `ms`, as an event-loop stall does. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: the bot's own stall, not Redis's
  }
}

/** Resolves to how the command ended and after how many ms. */
async function outcome(command: Promise<unknown>): Promise<{ error?: unknown; ms: number }> {
  const start = Date.now();
  try {
    await command;
    return { ms: Date.now() - start };
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
}

describe('the Redis command timeout when the bot itself stalls (a real redis-server)', () => {
  let redis: PrivateRedis;
  let connections: RedisConnectionFactory;
  let client: Redis;

  beforeEach(async () => {
    redis = await startPrivateRedis();
    connections = new RedisConnectionFactory({
      url: redis.url,
      prefix: 'stall',
      commandTimeoutMs: TIMEOUT_MS,
    });
    const shared = connections.command();
    if (!(shared instanceof Redis)) throw new Error('one node: expected a Redis connection');
    client = shared;
    await client.ping();
  });
  afterEach(async () => {
    redis.thaw();
    await connections.close();
    await redis.stop();
  });

  it('takes the answers Redis sent while the bot was busy for 5 command timeouts', async () => {
    await client.set('k', 'v');
    const inFlight = [
      outcome(client.get('k')),
      outcome(client.multi().incr('n').get('k').exec()),
      ...Array.from({ length: 20 }, (_, i) => outcome(client.hset('h', `f${i}`, i))),
    ];
    stall(5 * TIMEOUT_MS);
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.error)).toEqual(results.map(() => undefined));
    expect(await client.hlen('h')).toBe(20);
  });

  it('reports a frozen Redis to a responsive bot within 3 command timeouts', async () => {
    redis.freeze();
    const { error, ms } = await outcome(client.get('k'));
    expect(isStoreUnavailable(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Command timed out/);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(3 * TIMEOUT_MS + SLACK_MS);
  });

  it('still reports a frozen Redis while the bot stalls, within 3 command timeouts after its stalls', async () => {
    redis.freeze();
    const pending = outcome(client.get('k'));
    stall(2 * TIMEOUT_MS);
    const { error, ms } = await pending;
    expect(isStoreUnavailable(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
    expect(ms).toBeLessThan(2 * TIMEOUT_MS + 3 * TIMEOUT_MS + SLACK_MS);

    // A stall longer than the whole bound: the command fails as soon as the bot can tell.
    const long = outcome(client.get('k'));
    stall(4 * TIMEOUT_MS);
    const after = await long;
    expect(isStoreUnavailable(after.error)).toBe(true);
    expect(after.ms).toBeLessThan(4 * TIMEOUT_MS + SLACK_MS);
  });
});

describe('RollbackService.submit while the bot stalls repeatedly (the real test Redis and BullMQ)', () => {
  it('queues every one of 8 rollbacks though the bot stalls 2 command timeouts every 20 ms', async () => {
    const connections = new RedisConnectionFactory({
      url: TEST_REDIS_URL,
      prefix: 'unused',
      commandTimeoutMs: TIMEOUT_MS,
    });
    const shared = connections.command();
    if (!(shared instanceof Redis)) throw new Error('one node: expected a Redis connection');
    const names = Array.from({ length: 8 }, (_, i) => `svc${i}`);
    const domain = startRollbackDomain(
      names.map((name) => testService(name)),
      { redis: shared },
    );
    try {
      await domain.queue.queue.waitUntilReady();
      await shared.ping();
      // Right after a poll phase (the check phase), so commands the submits just sent are in flight.
      let stalling = true;
      let last = 0;
      const tick = () => {
        if (!stalling) return;
        if (Date.now() - last > 20) {
          stall(2 * TIMEOUT_MS);
          last = Date.now();
        }
        setImmediate(tick);
      };
      setImmediate(tick);
      const results = await Promise.all(names.map((name) => outcome(domain.submit(name, ALICE))));
      stalling = false;
      expect(results.map((r) => (r.error as { code?: string } | undefined)?.code ?? r.error)).toEqual(
        results.map(() => undefined),
      );
      for (const name of names) expect(await domain.locks.holder(name)).toMatch(new RegExp(`^${name}-`));
    } finally {
      await domain.close();
      await connections.close();
    }
  });
});
