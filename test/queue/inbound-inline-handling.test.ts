import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/errors/rollback-error.js';
import { silentLogger } from '../../src/observability/logger.js';
import { InboundEventQueue, type InboundEvent } from '../../src/queue/inbound-event-queue.js';
import { handleInline } from '../../src/queue/inbound-inline-handling.js';
import { InboundStreamDrain } from '../../src/queue/inbound-stream-drain.js';
import { inboundRecord } from '../../src/queue/inbound-stream-fields.js';
import { RedisInboundStream } from '../../src/stores/redis-inbound-stream.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

const event = (n: number): InboundEvent => ({
  source: 'pagerduty-event',
  body: JSON.stringify({ event: { id: `EVT${n}` } }),
  receivedAt: new Date().toISOString(),
});
const item = (n: number) => ({
  dedupeKey: `event:EVT${n}`,
  record: inboundRecord(`event:EVT${n}`, event(n)),
});
const idOf = (e: InboundEvent) => (JSON.parse(e.body) as { event: { id: string } }).event.id;

async function until(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('inbound events handled as the stream is read: once each, failures retried through BullMQ, crash-safe', () => {
  let prefix: string;
  let redis: Redis;
  let stream: RedisInboundStream;
  let queue: InboundEventQueue;
  const stops: (() => Promise<void>)[] = [];
  /** Times each event was handled to the end, by event id. */
  let handled: Map<string, number>;
  const record = (e: InboundEvent) => handled.set(idOf(e), (handled.get(idOf(e)) ?? 0) + 1);

  beforeEach(() => {
    prefix = testPrefix('inbound-inline');
    redis = new Redis(TEST_REDIS_URL);
    stream = new RedisInboundStream(redis, new RedisKeys(prefix));
    queue = new InboundEventQueue({ connection: { url: TEST_REDIS_URL }, prefix });
    handled = new Map();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await queue.close();
    redis.disconnect();
    await deletePrefix(prefix);
  });

  const jobs = async () =>
    (await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).length;
  function drain(handle: (e: InboundEvent) => Promise<void>) {
    const d = new InboundStreamDrain({
      stream,
      reader: new Redis(TEST_REDIS_URL),
      deliver: handleInline({ handle, retryLater: (items) => queue.addMany(items), log: silentLogger() }),
      log: silentLogger(),
      blockMs: 100,
      claimIdleMs: 300,
    });
    stops.push(() => d.stop());
    d.start();
  }

  it('handles a burst in the process that reads it, each event once, without a job per event', async () => {
    drain(async (e) => void record(e));
    await stream.appendMany(Array.from({ length: 60 }, (_, n) => item(n + 1)));
    await until(async () => (await stream.backlog()) === 0);
    expect(handled.size).toBe(60);
    expect([...handled.values()].every((times) => times === 1)).toBe(true);
    expect(await jobs()).toBe(0);
  });

  it('an event that fails for now is retried through the BullMQ queue until handled; one that never can is dropped', async () => {
    let refusals = 0;
    const handle = async (e: InboundEvent) => {
      if (idOf(e) === 'EVT2' && refusals++ < 2)
        throw new RetryableError('slack_unavailable', 'Slack is down');
      if (idOf(e) === 'EVT3') throw new PermanentError('unknown_service', 'no such service');
      record(e);
    };
    const worker = queue.startWorker({ url: TEST_REDIS_URL }, handle, silentLogger());
    stops.push(() => worker.close());
    drain(handle);
    await stream.appendMany([item(1), item(2), item(3)]);
    await until(() => handled.get('EVT2') === 1);
    expect(Object.fromEntries(handled)).toEqual({ EVT1: 1, EVT2: 1 });
    // Only the event that failed for now became a job; the one that can never succeed is not retried.
    expect(await jobs()).toBe(1);
    expect(refusals).toBe(3);
  });

  it('a process that dies while handling leaves its events to another, which handles each once', async () => {
    await stream.ensureGroup();
    await stream.appendMany([item(1), item(2), item(3)]);
    // The dead process read all three and never acknowledged them.
    const reader = new Redis(TEST_REDIS_URL);
    expect(await stream.readNew(reader, 'dead-consumer', 10, 100)).toHaveLength(3);
    reader.disconnect();
    drain(async (e) => void record(e));
    await until(async () => (await stream.backlog()) === 0);
    expect(Object.fromEntries(handled)).toEqual({ EVT1: 1, EVT2: 1, EVT3: 1 });
  });

  it('a batch that takes longer than the take-over time stays with the live process that handles it', async () => {
    const slow = async (e: InboundEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      record(e);
    };
    drain(slow);
    drain(slow);
    await stream.appendMany([item(1), item(2)]);
    await until(async () => (await stream.backlog()) === 0);
    // Stopping waits for whatever either process is still handling.
    for (const stop of stops.splice(0)) await stop();
    // 1.2 s per event against a take-over after 0.3 s without news: the other process never took them.
    expect(Object.fromEntries(handled)).toEqual({ EVT1: 1, EVT2: 1 });
  });

  it('while webhooks are arriving, the event loop turns between handled events (a request waits for one, not the batch)', async () => {
    const items = Array.from({ length: 200 }, (_, n) => ({ dedupeKey: `event:EVT${n}`, event: event(n) }));
    const run = (busy: boolean) => {
      let done = 0;
      let doneWhenTurned = -1;
      // Stands for a request that arrived meanwhile: read in the next turn of the event loop.
      setImmediate(() => (doneWhenTurned = done));
      const deliver = handleInline({
        handle: async () => void done++,
        retryLater: async () => undefined,
        yieldWhile: () => busy,
        log: silentLogger(),
      });
      return deliver(items).then(() => ({ done, doneWhenTurned }));
    };
    // Webhooks arriving: the request is read after a few events (one per lane), the batch is still handled.
    const busy = await run(true);
    expect(busy.done).toBe(200);
    expect(busy.doneWhenTurned).toBeGreaterThanOrEqual(0);
    expect(busy.doneWhenTurned).toBeLessThanOrEqual(4);
    // None arriving: the batch is handled in one go, before the loop turns.
    expect(await run(false)).toEqual({ done: 200, doneWhenTurned: -1 });
  });
});
