import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../src/queue/inbound-event-queue.js';
import { InboundIntake } from '../../src/queue/inbound-intake.js';
import { inboundRecord } from '../../src/queue/inbound-stream-fields.js';
import { RedisInboundStream } from '../../src/stores/redis-inbound-stream.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const event = (n: number): IncomingEvent => ({
  source: 'pagerduty-event',
  body: JSON.stringify({ event: { id: `EVT${n}` } }),
  receivedAt: new Date().toISOString(),
});
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the webhook intake: deliveries arriving together share one round trip to Redis', () => {
  let prefix: string;
  let redis: Redis;
  let stream: RedisInboundStream;
  /** How many deliveries each round trip to Redis carried, in order. */
  let batches: number[];
  let intake: InboundIntake;

  beforeEach(() => {
    prefix = testPrefix('inbound-intake');
    redis = new Redis(TEST_REDIS_URL);
    stream = new RedisInboundStream(redis, new RedisKeys(prefix));
    batches = [];
    intake = new InboundIntake({
      // Time stands still: a burst lasts as long as the test, however slow the machine.
      clock: () => 1_000_000,
      appendMany: (items) => {
        batches.push(items.length);
        return stream.appendMany(
          items.map((i) => ({ dedupeKey: i.dedupeKey, record: inboundRecord(i.dedupeKey, i.event) })),
        );
      },
    });
  });
  afterEach(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
  });

  it('during a burst, deliveries read over the next few turns of the event loop join the same batch', async () => {
    // A burst: 20 deliveries at once (more than a trickle), answered first.
    const burst = Array.from({ length: 20 }, (_, n) => intake.accept(`event:EVT${n}`, event(n)));
    expect(new Set(await Promise.all(burst))).toEqual(new Set(['accepted']));
    const before = batches.length;
    // Then 3 deliveries read in each of four turns (connections answered one after another).
    const later: Promise<string>[] = [];
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < 3; i++) {
        const n = 100 + t * 3 + i;
        later.push(intake.accept(`event:EVT${n}`, event(n)));
      }
      await turn();
    }
    // A redelivery in the same burst is still told apart, though its batch is in flight with the first.
    later.push(intake.accept('event:EVT100', event(100)));
    const answers = await Promise.all(later);
    expect(answers.filter((a) => a === 'accepted')).toHaveLength(12);
    expect(answers.at(-1)).toBe('duplicate');
    // One round trip for the twelve read over four turns (each turn alone would have been one of its own);
    // the redelivery, read after they left, goes in a second batch in flight at the same time.
    expect(batches.slice(before)).toEqual([12, 1]);
    expect(await stream.backlog()).toBe(32);
  });

  it('a delivery outside a burst is sent in the same turn, without waiting for company', async () => {
    let now = 1_000_000;
    intake = new InboundIntake({
      clock: () => now,
      appendMany: (items) => {
        batches.push(items.length);
        return Promise.resolve(items.map(() => true));
      },
    });
    // A burst long past (more than 100 ms ago) no longer counts.
    await Promise.all(Array.from({ length: 20 }, (_, n) => intake.accept(`event:EVT${n}`, event(n))));
    batches = [];
    now += 150;
    const answer = intake.accept('event:EVT1', event(1));
    await turn();
    expect(batches).toEqual([1]);
    expect(await answer).toBe('accepted');
  });

  it('remembers a delivery under the key earlier versions used, so a redelivery across an upgrade is a duplicate', async () => {
    // Claimed as an earlier version did: SET NX on <prefix>:rb:replay:<sha256 of "pagerduty:<dedupe key>">.
    const digest = (key: string) => createHash('sha256').update(`pagerduty:${key}`, 'utf8').digest('hex');
    await redis.set(new RedisKeys(prefix).replay(digest('event:EVT7')), '1', 'EX', 60, 'NX');
    expect(await intake.accept('event:EVT7', event(7))).toBe('duplicate');
    expect(await intake.accept('event:EVT8', event(8))).toBe('accepted');
    expect(await redis.exists(new RedisKeys(prefix).replay(digest('event:EVT8')))).toBe(1);
  });
});
