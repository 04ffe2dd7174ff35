/**
 * The bot side of the PagerDuty ingest bench as deployed: the compiled build (`npm run build`, dist/) that
 * `npm start` and the Docker image run, started by plain `node` with their flags (no TypeScript loader in
 * the process), in the web role (signature check, dedupe and append to the inbound stream, the drain reading
 * it and handling the events) on real Redis. Plain JavaScript for that reason; the same configuration as
 * bot-ingest-server.ts, which runs the sources through tsx (`--source`). Prints
 * `listening <port> <redis prefix>`; SIGTERM stops it (the bench deletes its keys).
 *
 *   REDIS_URL=redis://127.0.0.1:6379 PAGERDUTY_WEBHOOK_SECRETS=s1,s2 [BENCH_HOLD_HANDLING=1] \
 *     node --max-semi-space-size=4 bench/pagerduty/deployed-bot-server.mjs
 *
 * BENCH_HOLD_HANDLING=1: the drain waits for the whole burst (not at most 5 s), so the load measures the
 * ingest alone (verify, dedupe, append) and the events are handled after it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { URL } from 'node:url';
import { join } from 'node:path';
import process from 'node:process';
import { stringify } from 'yaml';
import { startBot } from '../../dist/main/start-bot.js';
import { silentLogger } from '../../dist/observability/logger.js';
import { parseWebhookSecrets } from '../../dist/transport/pagerduty/verify-pagerduty-signature.js';

const servicesDir = await mkdtemp(join(tmpdir(), 'rollback-bench-services-'));
// Mapped to the bench's PagerDuty service (PBENCH1), as in bot-ingest-server.ts.
await writeFile(
  join(servicesDir, 'kaizen.yaml'),
  stringify({
    name: 'kaizen',
    channel: 'C0KAIZEN',
    strategy: 'kubernetes',
    kubernetes: { deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
    pagerduty: { serviceIds: ['PBENCH1'] },
  }),
);
const prefix = `test-bench-${randomUUID().slice(0, 8)}`;
const bot = await startBot(
  {
    port: 0,
    host: '127.0.0.1',
    role: 'web',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: prefix,
    servicesDir,
    kubeconfigPath: undefined,
    slack: undefined,
    publicUrl: 'http://rollback.test',
    logLevel: 'silent',
    workerConcurrency: 2,
    watch: { minutes: 0, intervalSeconds: 10 },
    pagerDuty: {
      webhookSecrets: parseWebhookSecrets(process.env.PAGERDUTY_WEBHOOK_SECRETS),
      actionToken: undefined,
      api: undefined,
    },
    sites: { workerHttp: { port: 0, host: '127.0.0.1' } },
  },
  {
    log: silentLogger(),
    ...(process.env.BENCH_HOLD_HANDLING ? { inboundMaxDeferMs: 600_000 } : {}),
  },
);
process.stdout.write(`listening ${new URL(bot.url).port} ${prefix}\n`);
process.on('SIGTERM', () => {
  void bot
    .close()
    .then(() => rm(servicesDir, { recursive: true, force: true }))
    .then(() => process.exit(0));
});
