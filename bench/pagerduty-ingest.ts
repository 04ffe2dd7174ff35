/**
 * PagerDuty webhook ingest throughput. Issue 12 asks the bot's `POST /webhooks/pagerduty` (signature check,
 * dedupe, enqueue) for >= 2,000 events/s on this 2-core machine and >= 0.5x a bare Node server that only
 * checks the HMAC, with 0 events lost or processed twice. This measures that floor: the bare server runs
 * in its own process, autocannon drives distinct signed events (two signatures each, as during a secret
 * rotation) from this one. The bot side joins here once the route is wired.
 *
 *   npx tsx bench/pagerduty-ingest.ts [--connections 20] [--duration 10]
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSignedWebhookLoad } from './pagerduty/signed-webhook-load.js';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '20' }, duration: { type: 'string', default: '10' } },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const secrets = ['bench-old-secret-5f2c9a', 'bench-new-secret-0b7d41'];

const serverFile = fileURLToPath(new URL('./pagerduty/hmac-floor-server.ts', import.meta.url));
const floor = execa(process.execPath, ['--import', 'tsx', serverFile], {
  env: { PAGERDUTY_WEBHOOK_SECRETS: secrets[1] },
  reject: false,
});
try {
  const port = await new Promise<number>((resolve, reject) => {
    floor.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match?.[1]) resolve(Number(match[1]));
    });
    floor.once('exit', () => reject(new Error('the floor server exited before listening')));
  });
  const base = `http://127.0.0.1:${port}`;
  const result = await runSignedWebhookLoad({
    url: `${base}/webhooks/pagerduty`,
    secrets,
    connections,
    durationSeconds: duration,
  });
  const stats = (await (await fetch(`${base}/stats`)).json()) as { accepted: number; rejected: number };
  console.log(`pagerduty-ingest: ${connections} connections, ${duration} s, node ${process.version}`);
  console.log(
    `  bare HMAC floor: ${result.perSecond.toFixed(0)} events/s, 2xx ${result.ok}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  console.log(
    `  latency ms: p50 ${result.latencyMs.p50}  p99 ${result.latencyMs.p99}  max ${result.latencyMs.max}`,
  );
  console.log(`  server counted: accepted ${stats.accepted}, rejected ${stats.rejected}`);
  console.log(`  bot target (when wired): >= ${Math.max(2000, Math.ceil(result.perSecond * 0.5))} events/s`);
} finally {
  floor.kill('SIGTERM');
  await floor;
}
