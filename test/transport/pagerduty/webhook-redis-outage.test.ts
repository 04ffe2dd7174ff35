import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerDutyFixture, sendSignedWebhook } from '../../support/fake-pagerduty/index.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/private-redis.js';
import { startTestBot, type TestBot } from '../../support/test-bot.js';

const SECRET = 'outage-secret-7c1e';
const CHANNEL = 'C0KAIZEN';

let redis: PrivateRedis;
let bot: TestBot;
let url: string;

const announcements = () =>
  bot.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('PagerDuty incident'));

beforeAll(async () => {
  redis = await startPrivateRedis();
  bot = await startTestBot({
    config: {
      redisUrl: redis.url,
      pagerDuty: { webhookSecrets: [SECRET], actionToken: undefined, api: undefined },
    },
    services: {
      kaizen: {
        name: 'kaizen',
        channel: CHANNEL,
        strategy: 'kubernetes',
        kubernetes: { deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
        pagerduty: { serviceIds: ['PF9KMXH'] },
      },
    },
  });
  url = new URL('/webhooks/pagerduty', bot.bot.url).toString();
});
afterAll(async () => {
  await bot.close();
  await redis.stop();
});

describe('POST /webhooks/pagerduty while Redis is down', () => {
  it('answers 503 (PagerDuty delivers again), and the redelivery after Redis is back is taken and announced once', async () => {
    const body = pagerDutyFixture('incident-triggered.json');
    await redis.stop();
    const refused = await sendSignedWebhook(url, body, { secrets: [SECRET], webhookId: 'wh-outage-1' });
    expect(refused.status).toBe(503);
    // An empty Redis comes back (no persistence): the stream's consumer group is made again.
    await redis.start();
    let retried = await sendSignedWebhook(url, body, { secrets: [SECRET], webhookId: 'wh-outage-1' });
    for (let i = 0; i < 50 && retried.status === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      retried = await sendSignedWebhook(url, body, { secrets: [SECRET], webhookId: 'wh-outage-1' });
    }
    expect(retried.status).toBe(202);
    expect(JSON.parse(retried.body)).toEqual({ status: 'accepted' });
    await bot.slack.waitFor(() => announcements().length === 1, 20_000);
    const again = await sendSignedWebhook(url, body, { secrets: [SECRET], webhookId: 'wh-outage-1' });
    expect(JSON.parse(again.body)).toEqual({ status: 'duplicate' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(announcements()).toHaveLength(1);
  });

  it('refuses a body over the limit with 413 before reading it all, and still answers afterwards', async () => {
    const huge = JSON.stringify({ event: { id: 'X', padding: 'x'.repeat(300 * 1024) } });
    const refused = await sendSignedWebhook(url, huge, { secrets: [SECRET] });
    expect(refused.status).toBe(413);
    const health = await fetch(new URL('/healthz', bot.bot.url));
    expect(health.status).toBe(200);
  });
});
