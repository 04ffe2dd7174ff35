/**
 * PagerDuty webhook ingest throughput. Issue 12 asks the bot's `POST /webhooks/pagerduty` (signature check,
 * dedupe, enqueue) for >= 2,000 events/s on this 2-core machine and >= 0.5x a bare Node server that only
 * checks the HMAC, with 0 events lost or processed twice. Both servers run in their own process, one after
 * the other, under the same autocannon load of distinct signed events (two signatures each, as during a
 * secret rotation). Then the bot's queue is counted (every accepted event has exactly one job) and 200
 * events are delivered again (each must be answered "duplicate" and queue nothing).
 *
 *   npx tsx bench/pagerduty-ingest.ts [--connections 20] [--duration 10]
 */
import { Queue } from 'bullmq';
import { parseArgs } from 'node:util';
import { INBOUND_EVENT_QUEUE } from '../src/queue/inbound-event-queue.js';
import { pagerDutySignature } from '../test/support/fake-pagerduty/index.js';
import { TEST_REDIS_URL } from '../test/support/redis-test-prefix.js';
import {
  benchEventBody,
  runSignedWebhookLoad,
  type WebhookLoadResult,
} from './pagerduty/signed-webhook-load.js';
import { startBenchServer } from './pagerduty/start-bench-server.js';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '20' }, duration: { type: 'string', default: '10' } },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const secrets = ['bench-old-secret-5f2c9a', 'bench-new-secret-0b7d41'];
const REPLAYS = 200;

function line(name: string, r: WebhookLoadResult): string {
  return `  ${name}: ${r.perSecond.toFixed(0)} events/s, 2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; latency ms p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max}`;
}

const floorServer = await startBenchServer('./hmac-floor-server.ts', [secrets[1] as string]);
const floor = await runSignedWebhookLoad({
  url: `http://127.0.0.1:${floorServer.port}/webhooks/pagerduty`,
  secrets,
  connections,
  durationSeconds: duration,
}).finally(() => floorServer.stop());

const botServer = await startBenchServer('./bot-ingest-server.ts', [secrets[1] as string]);
const url = `http://127.0.0.1:${botServer.port}/webhooks/pagerduty`;
const queue = new Queue(INBOUND_EVENT_QUEUE, {
  connection: { url: TEST_REDIS_URL },
  prefix: `${botServer.extra[0] ?? ''}:bull`,
});
try {
  const bot = await runSignedWebhookLoad({ url, secrets, connections, durationSeconds: duration });
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
  console.log(line('bot (verify, dedupe, enqueue)', bot));
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
  await botServer.stop();
}
