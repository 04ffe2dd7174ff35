/**
 * PagerDuty webhook ingest throughput. Issue 12 asks the bot's `POST /webhooks/pagerduty` (signature check,
 * dedupe, enqueue) for >= 2,000 events/s on this 2-core machine and >= 0.5x a bare Node server that only
 * checks the HMAC, with 0 events lost or processed twice. Both servers run in their own process, one after
 * the other, under the same autocannon load of distinct signed events (two signatures each, as during a
 * secret rotation). Then, once the bot's inbound stream has been moved into its queue, the queue is counted
 * (every accepted event has exactly one job) and 200 events are delivered again (each must be answered "duplicate" and queue nothing).
 *
 *   npx tsx bench/pagerduty-ingest.ts [--connections 20] [--duration 10] [--hold-handling]
 *
 * By default the bot works as deployed: during a burst its drain waits at most 5 s, then moves the backlog
 * into BullMQ and the inbound worker handles the events in the same process while the load goes on.
 * `--hold-handling` keeps the drain waiting until the burst ends, so the figure is the ingest alone (what
 * issue 12's target names: signature check, dedupe, enqueue); the events are then queued and counted.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { INBOUND_EVENT_QUEUE } from '../src/queue/inbound-event-queue.js';
import { RedisKeys } from '../src/stores/redis-keys.js';
import { pagerDutySignature } from '../test/support/fake-pagerduty/index.js';
import { TEST_REDIS_URL } from '../test/support/redis-test-prefix.js';
import {
  benchEventBody,
  runSignedWebhookLoad,
  type WebhookLoadResult,
} from './pagerduty/signed-webhook-load.js';
import { startBenchServer } from './pagerduty/start-bench-server.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '10' },
    'hold-handling': { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const secrets = ['bench-old-secret-5f2c9a', 'bench-new-secret-0b7d41'];
const REPLAYS = 200;

function line(name: string, r: WebhookLoadResult): string {
  return `  ${name}: ${r.perSecond.toFixed(0)} events/s, 2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; latency ms p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max}`;
}

const floorServer = await startBenchServer('./hmac-floor-server.ts', [secrets[1] as string]);
const floorCpuBefore = await floorServer.cpuMs();
const floor = await runSignedWebhookLoad({
  url: `http://127.0.0.1:${floorServer.port}/webhooks/pagerduty`,
  secrets,
  connections,
  durationSeconds: duration,
});
const floorCpuMs = (await floorServer.cpuMs()) - floorCpuBefore;
await floorServer.stop();

const hold = values['hold-handling'] === true;
const botServer = await startBenchServer(
  './bot-ingest-server.ts',
  [secrets[1] as string],
  hold ? { BENCH_HOLD_HANDLING: '1' } : {},
);
const url = `http://127.0.0.1:${botServer.port}/webhooks/pagerduty`;
const botPrefix = botServer.extra[0] ?? '';
const queue = new Queue(INBOUND_EVENT_QUEUE, {
  connection: { url: TEST_REDIS_URL },
  prefix: `${botPrefix}:bull`,
});
const redis = new Redis(TEST_REDIS_URL);

/** Waits until the inbound stream is empty (every accepted delivery moved into the queue); its duration. */
async function drained(limitMs = 300_000): Promise<number> {
  const started = Date.now();
  const stream = new RedisKeys(botPrefix).inboundStream();
  while ((await redis.xlen(stream)) > 0 && Date.now() - started < limitMs)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return Date.now() - started;
}
try {
  const botCpuBefore = await botServer.cpuMs();
  const bot = await runSignedWebhookLoad({ url, secrets, connections, durationSeconds: duration });
  const botCpuMs = (await botServer.cpuMs()) - botCpuBefore;
  let duplicates = 0;
  for (let n = 1; n <= REPLAYS; n++) {
    const body = benchEventBody(n);
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pagerduty-signature': pagerDutySignature(body, secrets),
      },
      body,
    });
    if (((await answer.json()) as { status?: string }).status === 'duplicate') duplicates++;
  }
  const drainMs = await drained();
  const backgroundCpuMs = (await botServer.cpuMs()) - botCpuBefore - botCpuMs;
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'completed',
    'failed',
    'delayed',
    'prioritized',
  );
  const queued = Object.values(counts).reduce((a, b) => a + b, 0);
  const ratio = bot.perSecond / floor.perSecond;
  console.log(`pagerduty-ingest: ${connections} connections, ${duration} s each, node ${process.version}`);
  console.log(line('bare HMAC floor', floor));
  console.log(
    line(
      hold ? 'bot, handling held until the burst ends' : 'bot (verify, dedupe, enqueue; handling after 5 s)',
      bot,
    ),
  );
  console.log(
    `  inbound stream moved into the BullMQ queue ${(drainMs / 1000).toFixed(1)} s after the load ended`,
  );
  const perEvent = (cpuMs: number, events: number) => (cpuMs * 1000) / Math.max(1, events);
  const floorPer = perEvent(floorCpuMs, floor.ok);
  const botPer = perEvent(botCpuMs, bot.ok);
  console.log(
    `  server CPU per event during the load (less sensitive to a shared machine): floor ${floorPer.toFixed(0)} µs, ` +
      `bot ${botPer.toFixed(0)} µs (ratio ${(floorPer / botPer).toFixed(2)}); bot CPU after the load (drain, replays) ${backgroundCpuMs.toFixed(0)} ms`,
  );
  console.log(
    `  ratio bot/floor: ${ratio.toFixed(2)} (target >= 0.5); bot >= 2000 events/s: ${bot.perSecond >= 2000 ? 'met' : 'MISSED'}`,
  );
  console.log(
    // Requests cut off in flight when the run ends may be queued without their answer being counted.
    `  sent ${bot.sent}, answered 2xx ${bot.ok}, jobs queued ${queued} (lost ${Math.max(0, bot.ok - queued)}, more jobs than events ${Math.max(0, queued - bot.sent)}); ` +
      `redelivered ${REPLAYS}: answered duplicate ${duplicates}, processed twice ${REPLAYS - duplicates}`,
  );
} finally {
  await queue.close();
  redis.disconnect();
  await botServer.stop();
}
