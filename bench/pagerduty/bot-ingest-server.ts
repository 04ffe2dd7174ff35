/**
 * The bot side of the PagerDuty ingest bench: the real web role (signature check, dedupe and append to the
 * inbound stream, the drain reading it and handling the events) on real Redis, in its own process like the
 * floor server. Prints `listening <port> <redis prefix>`; SIGTERM stops it and deletes its keys.
 *
 *   PAGERDUTY_WEBHOOK_SECRETS=s1,s2 [BENCH_HOLD_HANDLING=1] npx tsx bench/pagerduty/bot-ingest-server.ts
 *
 * BENCH_HOLD_HANDLING=1: the drain waits for the whole burst (not at most 5 s), so the load measures the
 * ingest alone (verify, dedupe, append) and the events are handled after it.
 */
import { parseWebhookSecrets } from '../../src/transport/pagerduty/verify-pagerduty-signature.js';
import { startTestBot } from '../../test/support/test-bot.js';

const bot = await startTestBot({
  slack: false,
  role: 'web',
  services: {
    // Mapped to the bench's PagerDuty service (PBENCH1): every event is queued, taken and announced, as in a
    // storm of real incidents (no Slack: the announcement is logged; no cluster: the briefing says the
    // versions could not be read).
    kaizen: {
      name: 'kaizen',
      channel: 'C0KAIZEN',
      strategy: 'kubernetes',
      kubernetes: { deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
      pagerduty: { serviceIds: ['PBENCH1'] },
    },
  },
  ...(process.env.BENCH_HOLD_HANDLING ? { overrides: { inboundMaxDeferMs: 600_000 } } : {}),
  config: {
    pagerDuty: {
      webhookSecrets: parseWebhookSecrets(process.env.PAGERDUTY_WEBHOOK_SECRETS),
      actionToken: undefined,
      api: undefined,
    },
  },
});
const port = new URL(bot.bot.url as string).port;
console.log(`listening ${port} ${bot.config.redisPrefix}`);
process.on('SIGTERM', () => {
  void bot.close().then(() => process.exit(0));
});
