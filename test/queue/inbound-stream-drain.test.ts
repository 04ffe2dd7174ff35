import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { InboundEventQueue, type InboundEvent } from '../../src/queue/inbound-event-queue.js';
import { InboundIntake } from '../../src/queue/inbound-intake.js';
import { InboundStreamDrain } from '../../src/queue/inbound-stream-drain.js';
import { inboundRecord } from '../../src/queue/inbound-stream-fields.js';
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
  record: inboundRecord(`event:EVT${n}`, event(n)),
});

/** The consumer group's members: name and entries pending (XINFO CONSUMERS). */
async function consumers(redis: Redis, prefix: string): Promise<{ name: string; pending: number }[]> {
  const answer = (await redis.xinfo('CONSUMERS', new RedisKeys(prefix).inboundStream(), 'inbound')) as [
    string,
    string | number,
  ][];
  return answer.map((fields) => {
    const info = new Map<string, string | number>();
    for (let i = 0; i + 1 < fields.length; i += 2)
      info.set(String(fields[i]), fields[i + 1] as string | number);
    return { name: String(info.get('name')), pending: Number(info.get('pending')) };
  });
}

/** A consumer that never held an entry (Redis 7.2 creates one on every read, 7.0 only on delivery). */
async function createConsumer(redis: Redis, prefix: string, name: string): Promise<void> {
  await redis.xgroup('CREATECONSUMER', new RedisKeys(prefix).inboundStream(), 'inbound', name);
}

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
  function drain(deliver: (items: readonly { dedupeKey: string; event: InboundEvent }[]) => Promise<void>) {
    const d = new InboundStreamDrain({
      stream,
      reader: new Redis(TEST_REDIS_URL),
      deliver,
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
          items.map((i) => ({ dedupeKey: i.dedupeKey, record: inboundRecord(i.dedupeKey, i.event) })),
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
    await stream.appendMany([{ dedupeKey: 'event:EVT9', record: inboundRecord('event:EVT9', delivery) }]);
    const [[, fields]] = (await redis.xrange(new RedisKeys(prefix).inboundStream(), '-', '+')) as [
      [string, string[]],
    ];
    expect(fields[fields.indexOf('b') + 1]).toBe(body);
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    const [job] = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(job?.data).toEqual(delivery);
  });

  it('stores a body handed over as the bytes received unchanged, and reads it back as the same text', async () => {
    const body = '{"event":{"id":"EVT8","note":"Grüße, 日本, \\u0000 \\"q\\""}}';
    await stream.appendMany([
      {
        dedupeKey: 'event:EVT8',
        record: inboundRecord('event:EVT8', { ...event(8), body: Buffer.from(body) }),
      },
    ]);
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    const [job] = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(job?.data).toEqual({ ...event(8), body, receivedAt: job?.data.receivedAt });
  });

  it('still queues entries earlier versions appended (one JSON payload; one field per value), and drops what it cannot read', async () => {
    const streamKey = new RedisKeys(prefix).inboundStream();
    await redis.xadd(streamKey, '*', 'p', JSON.stringify({ dedupeKey: 'event:EVT7', event: event(7) }));
    const six = event(6);
    await redis.xadd(streamKey, '*', 'k', 'event:EVT6', 's', six.source, 'b', six.body, 't', six.receivedAt);
    await redis.xadd(streamKey, '*', 'm', '{"k":"event:EVT5"}', 'b', '{}');
    await redis.xadd(streamKey, '*', 'p', '{not json');
    await redis.xadd(streamKey, '*', 'k', 'event:EVT8', 's', 'pagerduty-event');
    drain((items) => queue.addMany(items));
    await until(async () => (await stream.backlog()) === 0);
    const queued = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(queued.map((job) => JSON.parse(job.data.body) as unknown)).toEqual(
      expect.arrayContaining([{ event: { id: 'EVT7' } }, { event: { id: 'EVT6' } }]),
    );
    expect(queued).toHaveLength(2);
  });

  it('after taking over, removes the consumers that left (theirs and ones that never held an entry)', async () => {
    await stream.ensureGroup();
    await stream.appendMany([item(1), item(2), item(3)]);
    const reader = new Redis(TEST_REDIS_URL);
    expect(await stream.readNew(reader, 'dead-with-entries', 10, 100)).toHaveLength(3);
    reader.disconnect();
    await createConsumer(redis, prefix, 'dead-without-entries');
    expect((await consumers(redis, prefix)).map((c) => c.name).sort()).toEqual([
      'dead-with-entries',
      'dead-without-entries',
    ]);
    drain((items) => queue.addMany(items));
    await until(async () => (await consumers(redis, prefix)).length === 1);
    const [live] = await consumers(redis, prefix);
    expect(live?.name).not.toMatch(/^dead-/);
    expect(await stream.backlog()).toBe(0);
    expect(await jobs()).toBe(3);
  });

  it('never removes a consumer that holds entries, one seen recently, or the caller', async () => {
    await stream.ensureGroup();
    await stream.appendMany([item(1), item(2)]);
    const reader = new Redis(TEST_REDIS_URL);
    expect(await stream.readNew(reader, 'holding', 10, 100)).toHaveLength(2);
    reader.disconnect();
    await createConsumer(redis, prefix, 'empty-handed');
    await createConsumer(redis, prefix, 'caller');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await createConsumer(redis, prefix, 'recent');
    expect(await stream.removeIdleConsumers('caller', 1_000)).toEqual(['empty-handed']);
    expect((await consumers(redis, prefix)).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'caller', pending: 0 },
      { name: 'holding', pending: 2 },
      { name: 'recent', pending: 0 },
    ]);
    // The entries of the consumer that holds them are still there to be claimed.
    expect(await stream.claimStale('caller', 0, 10)).toHaveLength(2);
  });
});
