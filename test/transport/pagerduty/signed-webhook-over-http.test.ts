import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { pagerDutyFixture, sendSignedWebhook } from '../../support/fake-pagerduty/index.js';
import { startTestBot, type TestBot } from '../../support/test-bot.js';

const SECRETS = ['current-secret-a1', 'next-secret-b2'];
const CHANNEL = 'C0KAIZEN';

let kube: FakeKube;
let bot: TestBot;
let url: string;

const announcements = () =>
  bot.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('PagerDuty incident'));

/** The triggered fixture as another event (PagerDuty gives each event its own id). */
function withEventId(id: string, serviceId?: string): string {
  const event = JSON.parse(pagerDutyFixture('incident-triggered.json').toString('utf8')) as {
    event: { id: string; data: { service: { id: string } } };
  };
  event.event.id = id;
  if (serviceId) event.event.data.service.id = serviceId;
  return JSON.stringify(event);
}

/** Lets the inbound worker take what was queued, so "nothing happened" is a real observation. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

beforeAll(async () => {
  kube = await startFakeKube({ readyDelayMs: 20 });
  await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0', replicas: 1 });
  await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
  await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  bot = await startTestBot({
    kubeconfigPath: kube.kubeconfigPath,
    config: {
      pagerDuty: { webhookSecrets: [SECRETS[1] as string], actionToken: undefined, api: undefined },
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
  await kube.close();
});

describe('POST /webhooks/pagerduty over real HTTP', () => {
  it('a delivery signed during a rotation (two signatures, one known) is announced once; its redelivery is acknowledged and not acted on', async () => {
    const body = pagerDutyFixture('incident-triggered.json');
    const options = { secrets: ['retired-secret', SECRETS[1] as string], webhookId: 'wh-0001' };
    const first = await sendSignedWebhook(url, body, options);
    expect(first.status).toBe(202);
    expect(JSON.parse(first.body)).toEqual({ status: 'accepted' });
    await bot.slack.waitFor(() => announcements().length === 1, 10_000);
    const replay = await sendSignedWebhook(url, body, options);
    expect(replay.status).toBe(202);
    expect(JSON.parse(replay.body)).toEqual({ status: 'duplicate' });
    // The same event through a second subscription (another webhook id) is not announced again either.
    const other = await sendSignedWebhook(url, body, { secrets: SECRETS, webhookId: 'wh-0001-b' });
    expect(JSON.parse(other.body)).toEqual({ status: 'duplicate' });
    await settle();
    expect(announcements()).toHaveLength(1);

    const message = bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('PagerDuty incident'));
    const shown = JSON.stringify(message?.blocks);
    expect(shown).toContain('kaizen: 5xx rate above 5% for 5 minutes');
    expect(shown).toContain('https://acme.pagerduty.com/incidents/Q2KPW3SL0BGXXN');
    expect(shown).toMatch(/Running now: `revision 3: kaizen:v0.8.0`/);
    expect(shown).toMatch(/Last known good: `revision 2: kaizen:v0.7.0`/);
    expect(shown).toContain('"action_id":"pagerduty_rollback"');
    expect(shown).toContain('Roll back to revision:2');
  });

  it('a wrong signature, an unsigned body and a malformed header are refused with 401 and change nothing', async () => {
    const before = bot.slack.calls.length;
    const body = withEventId('01SECONDEVENT0000000000000');
    const wrong = await sendSignedWebhook(url, body, { secrets: ['wrong-secret'], webhookId: 'wh-0002' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ error: 'signature mismatch' });
    const unsigned = await sendSignedWebhook(url, body, { secrets: SECRETS, signature: null });
    expect(unsigned.status).toBe(401);
    const malformed = await sendSignedWebhook(url, body, { secrets: SECRETS, signature: 'v1=zz' });
    expect(malformed.status).toBe(401);
    // The refused delivery id was not remembered: once correctly signed it is taken.
    await settle();
    expect(bot.slack.calls.length).toBe(before);
    const signed = await sendSignedWebhook(url, body, { secrets: SECRETS, webhookId: 'wh-0002' });
    expect(JSON.parse(signed.body)).toEqual({ status: 'accepted' });
    await bot.slack.waitFor(() => announcements().length === 2, 10_000);
  });

  it('malformed JSON and event types the bot does not act on are acknowledged with 202 and ignored', async () => {
    const broken = await sendSignedWebhook(url, '{"event": ', { secrets: SECRETS });
    expect(broken.status).toBe(202);
    expect(JSON.parse(broken.body)).toEqual({ status: 'ignored', reason: 'body is not JSON' });
    const annotated = await sendSignedWebhook(url, pagerDutyFixture('incident-annotated.json'), {
      secrets: SECRETS,
    });
    expect(annotated.status).toBe(202);
    expect(JSON.parse(annotated.body)).toMatchObject({ status: 'ignored' });
    const service = await sendSignedWebhook(url, pagerDutyFixture('service-updated.json'), {
      secrets: SECRETS,
    });
    expect(JSON.parse(service.body)).toMatchObject({ status: 'ignored' });
    const health = await fetch(new URL('/healthz', bot.bot.url));
    expect(health.status).toBe(200);
  });

  it('an incident on a PagerDuty service the catalog does not map is acknowledged and not announced', async () => {
    const before = announcements().length;
    const other = withEventId('01OTHERSERVICEEVENT000000', 'PUNMAPD');
    const answer = await sendSignedWebhook(url, other, { secrets: SECRETS });
    expect(JSON.parse(answer.body)).toEqual({ status: 'accepted' });
    await settle();
    expect(announcements()).toHaveLength(before);
  });
});
