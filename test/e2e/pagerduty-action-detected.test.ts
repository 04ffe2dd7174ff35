import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText } from '../support/blocks-text.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import {
  BOT_USER,
  DEFAULT_USERS,
  KAIZEN_INCIDENT,
  KAIZEN_ONCALLS,
  KAIZEN_POLICY,
  startFakePagerDuty,
  type FakePagerDuty,
} from '../support/fake-pagerduty/index.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const ACTION_TOKEN = 'pd-action-token-0123456789';
const CHANNEL = 'C0KAIZEN';

/**
 * PagerDuty's rollback action (`POST /webhooks/pagerduty/rollback`, an incident workflow's "Send webhook"
 * step with a bearer token) names only the incident. The bot reads the incident from PagerDuty's REST API,
 * asks for approval in Slack, rolls back once approved (a signed click), and the post-mortem draft's
 * timeline opens with when PagerDuty saw the problem.
 */
describe('PagerDuty rollback action → rollback → post-mortem draft opens with "Detected", end to end', () => {
  let kube: FakeKube;
  let pd: FakePagerDuty;
  let bot: TestBot;

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0', replicas: 1 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    pd = await startFakePagerDuty({
      users: DEFAULT_USERS,
      incidents: [KAIZEN_INCIDENT],
      escalationPolicies: [KAIZEN_POLICY],
      oncalls: KAIZEN_ONCALLS,
    });
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      fakeSlack: { users: { U0ALICE: { name: 'alice', email: 'alice@example.com' } } },
      config: {
        pagerDuty: {
          webhookSecrets: ['pd-webhook-secret-0001'],
          actionToken: ACTION_TOKEN,
          api: { token: pd.token, fromEmail: BOT_USER.email, apiUrl: pd.url, rateLimitWaitMs: 100 },
        },
      },
      services: {
        kaizen: kaizenServiceIn(CHANNEL, {
          kubernetes: { rolloutTimeout: '20s' },
          approval: { required: 1, expiresAfter: '5m' },
          pagerduty: { serviceIds: [KAIZEN_INCIDENT.serviceId], escalationPolicyId: KAIZEN_POLICY.id },
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await pd?.close();
    await kube?.close();
  });

  const action = (body: unknown, token = ACTION_TOKEN) =>
    fetch(new URL('/webhooks/pagerduty/rollback', bot.bot.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const channelText = () => bot.slack.messages(CHANNEL).map(blocksText).join('\n');
  /** The rows of a post-mortem draft's timeline, in order. */
  const timelineRows = (draft: string) =>
    (draft.split('## Timeline')[1]?.split('## ')[0] ?? '')
      .split('\n')
      .filter((line) => /^\| \d{4}-/.test(line) || line.startsWith('|   |'));
  const image = () => kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;

  it('a wrong bearer token changes nothing and reads nothing from PagerDuty', async () => {
    const refused = await action({ incident_id: KAIZEN_INCIDENT.id }, 'not-the-token-0123456789');
    expect(refused.status).toBe(401);
    expect(pd.callsTo('getIncident')).toHaveLength(0);
    expect(bot.slack.messages(CHANNEL)).toHaveLength(0);
  });

  it("rolls back the incident's service, and the draft's timeline opens with the incident's created_at", async () => {
    const accepted = await action({
      incident_id: KAIZEN_INCIDENT.id,
      version: 'v0.7.0',
      requester_email: 'alice@example.com',
    });
    expect(accepted.status).toBe(202);
    await bot.slack.waitFor(() => /Needs 1 more approval/.test(channelText()), 10_000);
    const jobId = /\b(kaizen-[a-z0-9]+-[a-z0-9]{4})\b/.exec(channelText())?.[1] ?? '';
    expect(jobId).not.toBe('');
    const status = bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen'));
    const approved = await postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        userId: 'U0BOB',
        userName: 'bob',
        channelId: CHANNEL,
        channelName: 'incident-kaizen',
        actions: [{ action_id: 'rollback_approve', value: jobId }],
        messageTs: status?.ts ?? '',
        responseUrl: bot.slack.responseUrl('approve'),
      }),
    );
    expect(approved.status).toBe(200);
    await bot.slack.waitFor(() => /Rolled back kaizen/.test(channelText()), 30_000);
    expect(image()).toBe('kaizen:v0.7.0');
    // One read of the incident: its service maps to kaizen, its created_at is when it was detected.
    expect(pd.callsTo('getIncident')).toHaveLength(1);
    expect(channelText()).toContain('Requested from PagerDuty by alice for incident');

    // The live draft on the report page, and the snapshot attached to the Slack thread.
    const answer = await fetch(new URL(`/rollbacks/${jobId}/postmortem.md`, bot.bot.url));
    expect(answer.status).toBe(200);
    const attached = () => bot.slack.files().find((f) => f.filename === `postmortem-${jobId}.md`)?.content;
    await bot.slack.waitFor(() => attached() !== undefined, 10_000);
    for (const draft of [await answer.text(), attached() ?? '']) {
      const rows = timelineRows(draft);
      expect(rows[0]).toBe(
        `| ${KAIZEN_INCIDENT.createdAt} | Detected: PagerDuty incident #${KAIZEN_INCIDENT.number} triggered | PagerDuty |`,
      );
      expect(rows.length).toBeGreaterThan(1);
      expect(draft).not.toContain('Detected: not recorded');
    }
  });
});
