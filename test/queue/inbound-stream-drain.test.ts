import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { InboundEventQueue, type InboundEvent } from '../../src/queue/inbound-event-queue.js';
import { InboundIntake } from '../../src/queue/inbound-intake.js';
import { InboundStreamDrain } from '../../src/queue/inbound-stream-drain.js';
import { inboundFields } from '../../src/queue/inbound-stream-fields.js';
import { RedisInboundStream } from '../../src/stores/redis-inbound-stream.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const event = (n: number): InboundEvent => ({
  source: 'pagerduty-event',
  body: JSON.stringify({ event: { id: `EVT${n}` } }),
  webhookId: `wh-${n}`,
  receivedAt: new Date().toISOString(),
});
const item = (n: number) => ({
  dedupeKey: `event:EVT${n}`,
  fields: inboundFields(`event:EVT${n}`, event(n)),
});

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the inbound stream: dedupe and append in one script, drained into BullMQ at least once, queued once', () => {
  let prefix: string;
  let redis: Redis;
  let stream: RedisInboundStream;
  let queue: InboundEventQueue;
  const drains: InboundStreamDrain[] = [];

  beforeEach(() => {
    prefix = testPrefix('inbound-stream');
    redis = new Redis(TEST_REDIS_URL);
    stream = new RedisInboundStream(redis, new RedisKeys(prefix));
    queue = new InboundEventQueue({ connection: { url: TEST_REDIS_URL }, prefix });
  });
  afterEach(async () => {
    for (const drain of drains.splice(0)) await drain.stop();
    await queue.close();
    redis.disconnect();
    await deletePrefix(prefix);
  });

  const jobs = async () =>
    (await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).length;
  function drain(addMany: (items: readonly { dedupeKey: string; event: InboundEvent }[]) => Promise<void>) {
    const d = new InboundStreamDrain({
      stream,
      reader: new Redis(TEST_REDIS_URL),
      addMany,
      log: silentLogger(),
      blockMs: 100,
      claimIdleMs: 300,
    });
    drains.push(d);
    d.start();
    return d;
  }

  it('appends only the first delivery of an event, even twice in one batch', async () => {
    expect(await stream.appendMany([item(1), item(2), item(1)])).toEqual([true, true, false]);
    expect(await stream.appendMany([item(2), item(3)])).toEqual([false, true]);
    expect(await stream.backlog()).toBe(3);
  });

  it('a drain that dies after reading leaves its entries to another, which queues each exactly once', async () => {
    await stream.ensureGroup();
    await stream.appendMany([item(1), item(2), item(3)]);
    // The dead consumer read all three and never acknowledged them.
    const reader = new Redis(TEST_REDIS_URL);
    expect(await stream.readNew(reader, 'dead-consumer', 10, 100)).toHaveLength(3);
    reader.disconnect();
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    expect(await jobs()).toBe(3);
  });

  it('a drain whose acknowledgement is lost after queuing queues the batch again without a second job', async () => {
    let calls = 0;
    drain(async (items) => {
      calls++;
      await queue.addMany(items);
      // Queued, but the drain "crashes" before acknowledging: the entries are read again.
      if (calls === 1) throw new Error('lost before the acknowledgement');
    });
    await stream.appendMany([item(1), item(2), item(3)]);
    await until(async () => (await stream.backlog()) === 0);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(await jobs()).toBe(3);
  });

  it('the intake answers duplicate for redeliveries, within a batch and after it', async () => {
    drain((items) => queue.addMany(items));
    const intake = new InboundIntake({
      appendMany: (items) =>
        stream.appendMany(
          items.map((i) => ({ dedupeKey: i.dedupeKey, fields: inboundFields(i.dedupeKey, i.event) })),
        ),
    });
    const answers = await Promise.all([1, 2, 1, 3].map((n) => intake.accept(`event:EVT${n}`, event(n))));
    expect(answers).toEqual(['accepted', 'accepted', 'duplicate', 'accepted']);
    expect(await intake.accept('event:EVT2', event(2))).toBe('duplicate');
    await until(async () => (await stream.backlog()) === 0);
    expect(await jobs()).toBe(3);
  });

  it('stores the body as its own field, exactly as received, and queues it unchanged', async () => {
    // Quotes, backslashes, non-ASCII and a field separator-like text: nothing is escaped or re-encoded.
    const body = '{"event":{"id":"EVT9","note":"a \\"quoted\\" \\\\ path, Grüße, p v1=…"}}\n';
    const delivery: InboundEvent = { ...event(9), body };
    await stream.appendMany([{ dedupeKey: 'event:EVT9', fields: inboundFields('event:EVT9', delivery) }]);
    const [[, fields]] = (await redis.xrange(new RedisKeys(prefix).inboundStream(), '-', '+')) as [
      [string, string[]],
    ];
    expect(fields[fields.indexOf('b') + 1]).toBe(body);
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    const [job] = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(job?.data).toEqual(delivery);
  });

  it('still queues entries an earlier version appended (one JSON payload), and drops what it cannot read', async () => {
    const streamKey = new RedisKeys(prefix).inboundStream();
    await redis.xadd(streamKey, '*', 'p', JSON.stringify({ dedupeKey: 'event:EVT7', event: event(7) }));
    await redis.xadd(streamKey, '*', 'p', '{not json');
    await redis.xadd(streamKey, '*', 'k', 'event:EVT8', 's', 'pagerduty-event');
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    const queued = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(queued.map((job) => JSON.parse(job.data.body) as unknown)).toEqual([{ event: { id: 'EVT7' } }]);
  });
});
