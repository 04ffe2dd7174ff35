import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPostmortem } from '../../src/cli/run-postmortem.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import {
  BOT_USER,
  DEFAULT_USERS,
  KAIZEN_INCIDENT,
  KAIZEN_ONCALLS,
  KAIZEN_POLICY,
  pagerDutyFixture,
  sendSignedWebhook,
  startFakePagerDuty,
  type FakePagerDuty,
} from '../support/fake-pagerduty/index.js';
import { startFakeStatusPage, type FakeStatusPage } from '../support/fake-status-page.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';

const SECRET = 'pd-webhook-secret-0001';
const ACTION_TOKEN = 'pd-action-token-0123456789';
const CHANNEL = 'C0KAIZEN';
const STAKEHOLDERS = 'C0STAKE';
const ALICE = { userId: 'U0ALICE', userName: 'alice', channelId: CHANNEL, channelName: 'incident-kaizen' };
const BOB = { userId: 'U0BOB', userName: 'bob', channelId: CHANNEL, channelName: 'incident-kaizen' };

describe('PagerDuty incident → Slack button → approved rollback → incident notes, end to end', () => {
  let kube: FakeKube;
  let pd: FakePagerDuty;
  let statusPage: FakeStatusPage;
  let bot: TestBot;
  let clicks = 0;
  let announced = '';

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.6.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    pd = await startFakePagerDuty({
      users: DEFAULT_USERS,
      incidents: [KAIZEN_INCIDENT],
      escalationPolicies: [KAIZEN_POLICY],
      oncalls: KAIZEN_ONCALLS,
    });
    statusPage = await startFakeStatusPage();
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      fakeSlack: { users: { U0MAEVE: { name: 'maeve', email: 'maeve@example.com' } } },
      config: {
        pagerDuty: {
          webhookSecrets: [SECRET],
          actionToken: ACTION_TOKEN,
          api: { token: pd.token, fromEmail: BOT_USER.email, apiUrl: pd.url, rateLimitWaitMs: 100 },
        },
        notifications: { stallMinutes: 15, postmortemReminderHours: 24 },
      },
      overrides: { outboxPolicy: { baseDelayMs: 50, maxDelayMs: 300, orderPollMs: 50 } },
      services: {
        kaizen: {
          name: 'kaizen',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: { deployment: 'kaizen', container: 'kaizen', image: 'kaizen', rolloutTimeout: '20s' },
          approval: { required: 1, expiresAfter: '5m' },
          pagerduty: { serviceIds: ['PF9KMXH'], escalationPolicyId: 'PUS0KTE' },
          notify: {
            stakeholders: [STAKEHOLDERS],
            statusPage: { url: statusPage.url, component: 'Kaizen API' },
          },
          contacts: [{ role: 'infra-lead', name: 'Ines Infra', slack: 'U0INES' }],
          links: {
            dashboards: [{ title: 'Kaizen overview', url: 'https://grafana.example.com/d/kaizen' }],
            runbook: 'https://wiki.example.com/runbooks/kaizen-rollback',
          },
        },
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await pd.close();
    await statusPage.close();
    await kube.close();
  });

  const webhook = (name: string) =>
    sendSignedWebhook(new URL('/webhooks/pagerduty', bot.bot.url).toString(), pagerDutyFixture(name), {
      secrets: [SECRET],
    });
  const channelMessage = (prefix: string): FakeMessage | undefined =>
    bot.slack.messages(CHANNEL).find((m) => m.text.startsWith(prefix));
  const imageOf = () => kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
  const notes = () => pd.notes(KAIZEN_INCIDENT.id).map((n) => n.content);

  async function click(actionId: string, value: string, who: typeof ALICE, messageTs: string) {
    const id = `click-${(clicks += 1)}`;
    const response = await postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        ...who,
        actions: [{ action_id: actionId, value }],
        messageTs,
        responseUrl: bot.slack.responseUrl(id),
      }),
    );
    expect(response.status).toBe(200);
    await bot.slack.waitFor(
      () => bot.slack.callsTo('response_url').some((c) => c.responseUrlId === id),
      10_000,
    );
    return JSON.stringify(bot.slack.callsTo('response_url').find((c) => c.responseUrlId === id)?.args);
  }

  /** The post-mortem draft as the report page serves it (`/rollbacks/<job>/postmortem.md`). */
  async function draftOverHttp(jobId: string): Promise<string> {
    const answer = await fetch(new URL(`/rollbacks/${jobId}/postmortem.md`, bot.bot.url));
    expect(answer.status).toBe(200);
    return answer.text();
  }

  /** `rollback-bot postmortem <job>` with the bot's configuration: its stdout. */
  async function draftFromCli(jobId: string): Promise<string> {
    let out = '';
    const io = {
      out: (t: string) => void (out += `${t}\n`),
      err: () => undefined,
      isTTY: false,
      columns: 100,
    };
    const context = {
      config: () => bot.config,
      io: { ...io, stdout: process.stdout },
      requester: { id: 'cli', name: 'cli', source: 'cli' as const },
    };
    expect(await runPostmortem(jobId, context)).toBe(0);
    return out;
  }

  /** The draft's "## Notifications" section. */
  const notificationsOf = (draft: string) =>
    draft.split('## Notifications')[1]?.split('## Root cause')[0] ?? '';
  const row = (section: string, label: string) =>
    section.split('\n').find((l) => l.startsWith(`| ${label} |`)) ?? '';

  /** The incident's button, clicked by Alice; then Bob approves on the status message. */
  async function rollBackFromIncident(): Promise<string> {
    expect((await webhook('incident-triggered.json')).status).toBe(202);
    await bot.slack.waitFor(() => channelMessage('PagerDuty incident') !== undefined, 10_000);
    const announcement = channelMessage('PagerDuty incident') as FakeMessage;
    announced = JSON.stringify(announcement.blocks);
    const button = JSON.stringify(announcement.blocks).match(/"value":"((?:[^"\\]|\\.)*)"/)?.[1];
    const value = JSON.parse(`"${button ?? ''}"`) as string;
    const asked = await click('pagerduty_rollback', value, ALICE, announcement.ts);
    expect(asked).toMatch(/Waiting for 1 approval/);
    const jobId = /(kaizen-[a-z0-9]+-[a-z0-9]{4})/.exec(asked)?.[1];
    await bot.slack.waitFor(
      () => /Needs 1 more approval/.test(JSON.stringify(channelMessage('Rollback of kaizen')?.blocks)),
      10_000,
    );
    const status = channelMessage('Rollback of kaizen') as FakeMessage;
    expect(await click('rollback_approve', jobId ?? '', BOB, status.ts)).toMatch(/Approved/);
    return jobId ?? '';
  }

  it('notes at each milestone and status updates at start and end arrive in order; stakeholders, status page and the reminder too', async () => {
    await rollBackFromIncident();
    expect(announced).toMatch(
      /On call now:\* Priya Primary \(level 1, Kaizen primary\), Ines Infra \(level 2\)/,
    );
    expect(announced).toContain('infra-lead: <@U0INES>');
    expect(announced).toContain('<https://grafana.example.com/d/kaizen|Kaizen overview>');
    await bot.slack.waitFor(
      () => /Rolled back kaizen/.test(JSON.stringify(channelMessage('Rollback of kaizen')?.blocks)),
      30_000,
    );
    expect(imageOf()).toBe('kaizen:v0.7.0');
    await pd.waitFor(() => notes().length >= 5 && pd.statusUpdates(KAIZEN_INCIDENT.id).length >= 2, 15_000);
    const written = notes();
    expect(written[0]).toMatch(
      /Rollback of kaizen \(production\) from .*v0.8.0.* to .*v0.7.0.* requested by alice/,
    );
    expect(written[1]).toMatch(/approved by bob/);
    expect(written[2]).toMatch(/started/);
    expect(written[3]).toMatch(/^Rolled back kaizen to/);
    expect(written[4]).toMatch(/^Verified after the rollback/);
    expect(written).toHaveLength(5);
    expect(pd.callsTo('createNote').every((c) => c.headers.from === BOT_USER.email)).toBe(true);
    const updates = pd.statusUpdates(KAIZEN_INCIDENT.id);
    expect(updates.map((u) => u.subject)).toEqual(['kaizen: rolling back', 'kaizen: rolled back']);
    await bot.slack.waitFor(() => bot.slack.messages(STAKEHOLDERS).length === 2, 10_000);
    expect(bot.slack.messages(STAKEHOLDERS).map((m) => m.text)).toEqual([
      expect.stringMatching(/started.*Incident: https:\/\/acme.pagerduty.com\/incidents\/Q2KPW3SL0BGXXN/),
      expect.stringMatching(/^Rolled back kaizen/),
    ]);
    await bot.slack.waitFor(() => statusPage.posts.length === 2, 10_000);
    expect(statusPage.posts.map((p) => (p.body as { status: string }).status)).toEqual([
      'identified',
      'monitoring',
    ]);
    await bot.slack.waitFor(() => bot.slack.callsTo('chat.scheduleMessage').length === 1, 10_000);
    const reminder = bot.slack.callsTo('chat.scheduleMessage')[0]?.args ?? {};
    expect(reminder.channel).toBe(CHANNEL);
    expect(Number(reminder.post_at)).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);

    // The report page shows the timeline: every notification sent.
    const report = await fetch(
      new URL(`/rollbacks/${/job ([a-z0-9-]+)/.exec(written[0] ?? '')?.[1] ?? ''}`, bot.bot.url),
    );
    const page = await report.text();
    expect(page).toMatch(/Notifications/);
    expect(page).toMatch(/PagerDuty note: requested[\s\S]*sent/);

    // The post-mortem draft (report route and CLI) has the same timeline: every notification sent, and when.
    const jobId = /job ([a-z0-9-]+)/.exec(written[0] ?? '')?.[1] ?? '';
    for (const draft of [await draftOverHttp(jobId), await draftFromCli(jobId)]) {
      const section = notificationsOf(draft);
      expect(section).toMatch(/^\s*12 sent, 0 still waiting, 0 given up\./);
      for (const label of [
        'PagerDuty note: requested',
        'PagerDuty note: verified',
        'PagerDuty status update: rollback started',
      ])
        expect(row(section, label)).toMatch(/\| sent \| \d{4}-\d\d-\d\dT[\d:.]+Z \|/);
      expect(row(section, 'Slack C0STAKE: rollback started')).toMatch(/\| sent \|/);
      expect(row(section, 'Status page: identified')).toMatch(/\| sent \|/);
      expect(draft).toMatch(/\| Notified: PagerDuty note: started \| rollback-bot \|/);
      // Detected: the incident's created_at from the webhook, carried through the button into the plan.
      const timeline = draft.split('## Timeline')[1]?.split('## Versions')[0] ?? '';
      const first = timeline.split('\n').find((l) => /^\| \d{4}-/.test(l) || l.startsWith('|   |'));
      expect(first).toBe(
        `| ${KAIZEN_INCIDENT.createdAt} | Detected: PagerDuty incident #2 triggered | PagerDuty |`,
      );
    }

    // Resolved: the post-mortem checklist in the channel.
    expect((await webhook('incident-resolved.json')).status).toBe(202);
    await bot.slack.waitFor(() => channelMessage('Incident') !== undefined, 10_000);
    expect(JSON.stringify(channelMessage('Incident')?.blocks)).toMatch(/post-mortem/i);
  });

  it('PagerDuty down (500, then 429) during the rollback: the rollback completes on time and every note arrives, in order, once it is back', async () => {
    pd.failNext('*', { kind: 'http', status: 500 }, 3);
    await pd.down();
    const jobId = await rollBackFromIncident();
    await bot.slack.waitFor(
      () => /Rolled back kaizen/.test(JSON.stringify(channelMessage('Rollback of kaizen')?.blocks)),
      30_000,
    );
    expect(imageOf()).toBe('kaizen:v0.7.0');
    expect(notes()).toHaveLength(0);
    // Meanwhile the post-mortem draft says which are still waiting, and why.
    const waiting = notificationsOf(await draftOverHttp(jobId));
    expect(waiting).toMatch(/[1-9]\d* still waiting/);
    expect(row(waiting, 'PagerDuty note: requested')).toMatch(/\| waiting \|.*still waiting: retrying/);
    expect(row(waiting, 'PagerDuty note: started')).toMatch(/\| waiting \|/);
    await pd.up();
    pd.failNext('createNote', { kind: 'rate_limited', retryAfterSeconds: 1 }, 1);
    await pd.waitFor(() => notes().length >= 5 && pd.statusUpdates(KAIZEN_INCIDENT.id).length >= 2, 30_000);
    expect(notes()).toEqual([
      expect.stringMatching(/requested by alice/),
      expect.stringMatching(/approved by bob/),
      expect.stringMatching(/started/),
      expect.stringMatching(/^Rolled back kaizen/),
      expect.stringMatching(/^Verified after/),
    ]);
    expect(pd.callsTo('createNote').filter((c) => c.status >= 400).length).toBeGreaterThan(0);
    const sent = notificationsOf(await draftFromCli(jobId));
    expect(row(sent, 'PagerDuty note: requested')).toMatch(/\| sent \|/);
    expect(row(sent, 'PagerDuty note: verified')).toMatch(/\| sent \|/);
  });
});
