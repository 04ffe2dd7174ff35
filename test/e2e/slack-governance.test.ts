import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullmqRollbackQueue } from '../../src/queue/bullmq-rollback-queue.js';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage, RecordedCall } from '../support/fake-slack/types.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { blocksText } from '../support/blocks-text.js';

const CHANNEL = 'C0DEPLOYS';
const API_TOKEN = 'api-token-0123456789abcdef';
const ALICE = { userId: 'U0ALICE', userName: 'alice' };
const BOB = { userId: 'U0BOB', userName: 'bob' };
const MALLORY = { userId: 'U0MALLORY', userName: 'mallory' };
const kube8s = {
  namespace: 'default',
  deployment: 'kaizen',
  container: 'kaizen',
  image: 'kaizen',
  rolloutTimeout: '20s',
};
const permissions = {
  request: { users: ['U0ALICE', 'U0BOB'], groups: ['S0ONCALL'] },
  approve: { users: ['U0BOB', 'U0CAROL'] },
  channels: [CHANNEL],
};

describe('permissions, approvals, rolled-back mark and audit, end to end through Slack', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let clicks = 0;

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.6.0',
      replicas: 2,
      progressDeadlineSeconds: 5,
    });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.7.0');
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      config: { apiToken: API_TOKEN },
      services: {
        kaizen: {
          name: 'kaizen',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: kube8s,
          approval: { required: 1, expiresAfter: '5m' },
          permissions,
        },
        'kaizen-fast': {
          name: 'kaizen-fast',
          channel: CHANNEL,
          strategy: 'kubernetes',
          kubernetes: kube8s,
          approval: { required: 1, expiresAfter: '1s' },
        },
        'kaizen-open': { name: 'kaizen-open', channel: CHANNEL, strategy: 'kubernetes', kubernetes: kube8s },
      },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  const imageOf = () => kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
  const patches = () => kube.requests.filter((r) => r.method === 'PATCH').length;
  const statusMessage = (service: string): FakeMessage | undefined =>
    bot.slack.messages(CHANNEL).find((m) => m.text.startsWith(`Rollback of ${service} `));
  const waitForStatus = async (service: string, pattern: RegExp, timeoutMs = 20_000) => {
    await bot.slack.waitFor(() => pattern.test(blocksText(statusMessage(service))), timeoutMs);
    return statusMessage(service) as FakeMessage;
  };
  const jobIdOf = (text: string | undefined) =>
    /job ([a-z0-9-]+-[a-z0-9]+-[a-z0-9]{4})/.exec(text ?? '')?.[1] as string;
  const audit = async (query: string): Promise<AuditEntry[]> => {
    const response = await fetch(new URL(`/api/audit?${query}`, bot.bot.url), {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    return ((await response.json()) as { entries: AuditEntry[] }).entries;
  };

  /** Clicks a button of the status message as `who`; resolves with the ephemeral answer's text. */
  async function click(
    action: 'rollback_approve' | 'rollback_cancel',
    jobId: string,
    who: { userId: string; userName: string },
  ) {
    const id = `click-${(clicks += 1)}`;
    const message = statusMessage(jobId.replace(/-[a-z0-9]+-[a-z0-9]{4}$/, '')) as FakeMessage;
    const response = await postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        ...who,
        actions: [{ action_id: action, value: jobId }],
        messageTs: message.ts,
        responseUrl: bot.slack.responseUrl(id),
      }),
    );
    expect(response.status).toBe(200);
    const answered = (): RecordedCall | undefined =>
      bot.slack.callsTo('response_url').find((c) => c.responseUrlId === id);
    await bot.slack.waitFor(() => answered() !== undefined, 5_000);
    return blocksText(answered()?.args as { text?: string; blocks?: unknown[] });
  }

  it('denies by user, by channel and when Slack cannot be asked about a group, saying which rule; a group member may request', async () => {
    bot.slack.failHttpNext('usergroups.users.list', 503);
    const slackDown = await bot.slash('kaizen v0.7.0', { userId: 'U0DAVE', userName: 'dave' });
    expect(slackDown.body.response_type).toBe('ephemeral');
    expect(blocksText(slackDown.body)).toMatch(
      /S0ONCALL[\s\S]*could not be checked[\s\S]*permissions\.request\.groups/,
    );

    bot.slack.setUserGroups('S0ONCALL', ['U0DAVE']);
    const byUser = await bot.slash('kaizen v0.7.0', MALLORY);
    expect(blocksText(byUser.body)).toMatch(
      /not allowed to request rollbacks of kaizen[\s\S]*S0ONCALL[\s\S]*permissions\.request\)/,
    );

    const byChannel = await bot.slash('kaizen v0.7.0', {
      ...ALICE,
      channelId: 'C0RANDOM',
      channelName: 'random',
    });
    expect(blocksText(byChannel.body)).toMatch(
      /not accepted in this channel[\s\S]*C0DEPLOYS[\s\S]*permissions\.channels/,
    );

    const member = await bot.slash('kaizen v0.7.0', { userId: 'U0DAVE', userName: 'dave' });
    expect(blocksText(member.body)).toMatch(/Waiting for 1 approval/);

    const denied = (await audit('service=kaizen')).filter((e) => e.type === 'denied');
    expect(denied.map((e) => e.actor.id).sort()).toEqual(['U0ALICE', 'U0DAVE', 'U0MALLORY']);
    expect(denied.map((e) => e.detail).join('\n')).toMatch(
      /permissions\.channels[\s\S]*permissions\.request/,
    );
    expect((await audit('service=kaizen')).filter((e) => e.type === 'requested')).toHaveLength(4);
    expect(patches()).toBe(0);
  });

  it('two-person rule: the requester cannot approve, a non-approver does not count, a double click counts once, then it runs', async () => {
    const request = await bot.slash('kaizen v0.7.0 --reason "error rate 12%"', ALICE);
    expect(blocksText(request.body)).toMatch(/Waiting for 1 approval[\s\S]*nothing runs until then/);
    const jobId = jobIdOf(request.body.text);
    const waiting = await waitForStatus('kaizen', /Needs 1 more approval/);
    const buttons = JSON.stringify(waiting.blocks);
    expect(buttons).toContain('"action_id":"rollback_approve"');
    expect(buttons).toContain('"action_id":"rollback_cancel"');
    expect(buttons).toContain('"confirm"');

    const second = await bot.slash('kaizen v0.6.0', BOB);
    expect(blocksText(second.body)).toMatch(
      new RegExp(`already in progress by alice[\\s\\S]*waiting for approval[\\s\\S]*${jobId}`),
    );

    expect(await click('rollback_approve', jobId, ALICE)).toMatch(
      /requested this rollback, so you cannot approve it/,
    );
    expect(await click('rollback_approve', jobId, MALLORY)).toMatch(
      /not an approver[\s\S]*permissions\.approve/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(patches()).toBe(0);

    const answers = await Promise.all([
      click('rollback_approve', jobId, BOB),
      click('rollback_approve', jobId, BOB),
    ]);
    expect(answers.filter((a) => /Approved: the rollback of kaizen is queued/.test(a))).toHaveLength(1);
    expect(answers.filter((a) => /already approved|no longer waiting/i.test(a))).toHaveLength(1);

    const done = await waitForStatus('kaizen', /Rolled back kaizen/);
    expect(imageOf()).toBe('kaizen:v0.7.0');
    expect(blocksText(done)).toMatch(/Approved by bob/);
    expect(blocksText(done)).toMatch(/kaizen is marked rolled back/);
    expect(JSON.stringify(done.blocks)).not.toContain('rollback_approve');

    const entries = await audit(`jobId=${jobId}`);
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t === 'approved')).toHaveLength(1);
    expect(types.filter((t) => t === 'enqueued')).toHaveLength(1);
    expect(types).toEqual(expect.arrayContaining(['denied', 'step_started', 'step_ended', 'succeeded']));
    const queue = new BullmqRollbackQueue({ url: TEST_REDIS_URL } as never, bot.config.redisPrefix);
    expect(await queue.queue.getJobCountByTypes('completed', 'failed', 'active', 'waiting', 'delayed')).toBe(
      1,
    );
    await queue.close();
  });

  it('an unapproved plan expires: the message says so, a later approval is refused, nothing ran and the lock is free', async () => {
    const request = await bot.slash('kaizen-fast v0.7.0', ALICE);
    const jobId = jobIdOf(request.body.text);
    await waitForStatus('kaizen-fast', /Approval expired/, 10_000);
    expect(await click('rollback_approve', jobId, BOB)).toMatch(/no longer waiting for approval: it expired/);
    expect(patches()).toBe(0);
    expect((await audit(`jobId=${jobId}`)).map((e) => e.type)).toContain('approval_expired');
    const again = await bot.slash('kaizen-fast v0.7.0', BOB);
    expect(blocksText(again.body)).toMatch(/Waiting for 1 approval/);
  });

  it('Cancel on a waiting plan: it can never be approved afterwards and the lock is released', async () => {
    const request = await bot.slash('kaizen v0.7.0', ALICE);
    const jobId = jobIdOf(request.body.text);
    await waitForStatus('kaizen', /Needs 1 more approval/);
    expect(await click('rollback_cancel', jobId, ALICE)).toMatch(
      /Cancelled: the rollback of kaizen will not run/,
    );
    await waitForStatus('kaizen', /Cancelled before approval/);
    expect(await click('rollback_approve', jobId, BOB)).toMatch(
      /no longer waiting for approval: it was cancelled/,
    );
    expect(patches()).toBe(0);
    expect((await audit(`jobId=${jobId}`)).map((e) => e.type)).toContain('cancelled');
  });

  it('/rollback cancel on a waiting plan closes it like the button: a later Approve is refused, nothing runs', async () => {
    const request = await bot.slash('kaizen v0.7.0', ALICE);
    const jobId = jobIdOf(request.body.text);
    await waitForStatus('kaizen', /Needs 1 more approval/);
    const cancel = await bot.slash(`cancel ${jobId}`, ALICE);
    expect(blocksText(cancel.body)).toMatch(/Cancelled: the rollback of kaizen will not run/);
    await waitForStatus('kaizen', /Cancelled before approval/);
    expect(await click('rollback_approve', jobId, BOB)).toMatch(
      /no longer waiting for approval: it was cancelled/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(patches()).toBe(0);
    expect((await audit(`jobId=${jobId}`)).map((e) => e.type)).not.toContain('enqueued');
  });

  it("someone who may neither request nor approve cannot cancel another person's rollback", async () => {
    const request = await bot.slash('kaizen v0.7.0', ALICE);
    const jobId = jobIdOf(request.body.text);
    await waitForStatus('kaizen', /Needs 1 more approval/);
    const refused = await bot.slash(`cancel ${jobId}`, MALLORY);
    expect(blocksText(refused.body)).toMatch(/You may not cancel this rollback of kaizen/);
    expect(await click('rollback_cancel', jobId, MALLORY)).toMatch(/Only the requester or an approver/);
    expect(await click('rollback_approve', jobId, BOB)).toMatch(/queued/i);
    const denied = (await audit(`jobId=${jobId}`)).filter((e) => e.type === 'denied');
    expect(denied.map((e) => e.actor.name)).toContain('mallory');
  });

  it('without a permissions section: requests only in the service channel, cancels only by the requester or a listed approver', async () => {
    const elsewhere = await bot.slash('kaizen-open v0.7.0 --dry-run', { ...ALICE, channelId: 'C0RANDOM' });
    expect(blocksText(elsewhere.body)).toMatch(/accepted only in its channel, C0DEPLOYS/);
    expect(patches()).toBe(0);

    // Anyone may approve kaizen-fast (no approver is listed), but that does not let anyone cancel it.
    const waiting = jobIdOf((await bot.slash('kaizen-fast v0.7.0', ALICE)).body.text);
    await waitForStatus('kaizen-fast', /Needs 1 more approval/);
    expect(await click('rollback_cancel', waiting, MALLORY)).toMatch(/Only the requester or an approver/);
    expect(blocksText((await bot.slash(`cancel ${waiting}`, MALLORY)).body)).toMatch(
      /You may not cancel this rollback of kaizen-fast: only its requester can/,
    );
    await waitForStatus('kaizen-fast', /Needs 1 more approval/);

    const running = jobIdOf((await bot.slash('kaizen-open v0.7.0', ALICE)).body.text);
    expect(blocksText((await bot.slash(`cancel ${running}`, MALLORY)).body)).toMatch(
      /You may not cancel this rollback of kaizen-open: only its requester can/,
    );
    await waitForStatus('kaizen-open', /Rolled back kaizen-open/);
    const denied = [...(await audit('service=kaizen-open')), ...(await audit(`jobId=${waiting}`))].filter(
      (e) => e.type === 'denied',
    );
    expect(denied.map((e) => `${e.actor.name}: ${e.detail?.split(':')[0] ?? ''}`)).toEqual(
      expect.arrayContaining(['alice: permissions (none set', 'mallory: permissions (none set']),
    );
  });

  it('two users at the same moment: exactly one job; the other is told which one holds the service', async () => {
    const [a, b] = await Promise.all([
      bot.slash('kaizen-open v0.7.0', ALICE),
      bot.slash('kaizen-open v0.6.0', BOB),
    ]);
    const texts = [blocksText(a.body), blocksText(b.body)];
    expect(texts.filter((t) => /already in progress/.test(t))).toHaveLength(1);
    await waitForStatus('kaizen-open', /Rolled back kaizen-open/);
    expect(
      bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen-open')),
    ).toHaveLength(1);
    expect((await audit('service=kaizen-open')).filter((e) => e.type === 'enqueued')).toHaveLength(1);
  });

  it('rolled-back mark: status and the API say so until release, which is audited and shown on the status message', async () => {
    const request = await bot.slash('kaizen-open v0.7.0', ALICE);
    const jobId = jobIdOf(request.body.text);
    await waitForStatus('kaizen-open', /marked rolled back/);

    const status = await bot.slash('status kaizen-open', BOB);
    expect(blocksText(status.body)).toMatch(
      new RegExp(`Marked rolled back: alice rolled it back to [\\s\\S]*${jobId}`),
    );
    const api = () =>
      fetch(new URL('/api/services/kaizen-open', bot.bot.url), {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
    const marked = (await (await api()).json()) as Record<string, unknown>;
    expect(marked).toMatchObject({
      name: 'kaizen-open',
      environment: 'production',
      rolledBack: { by: { id: 'U0ALICE', name: 'alice' }, jobId },
      activeJob: null,
    });

    const release = await bot.slash('release kaizen-open --reason "fixed forward in v0.8.1"', BOB);
    expect(blocksText(release.body)).toMatch(/Released kaizen-open[\s\S]*Deploys may go ahead/);
    await waitForStatus('kaizen-open', /Released[\s\S]*by bob[\s\S]*fixed forward/);
    expect(((await (await api()).json()) as Record<string, unknown>).rolledBack).toBeNull();
    expect(blocksText((await bot.slash('status kaizen-open', BOB)).body)).toMatch(/Not marked rolled back/);
    expect(blocksText((await bot.slash('release kaizen-open --reason "again"', BOB)).body)).toMatch(
      /not marked rolled back/,
    );
    const released = (await audit('service=kaizen-open')).filter((e) => e.type === 'released');
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({
      actor: { name: 'bob' },
      jobId,
      detail: 'reason: fixed forward in v0.8.1',
    });
  });

  it('/api needs the bearer token when API_TOKEN is set; bad queries and unknown services are clear', async () => {
    const base = bot.bot.url as string;
    expect((await fetch(new URL('/api/audit', base))).status).toBe(401);
    expect(
      (
        await fetch(new URL('/api/services/kaizen', base), {
          headers: { authorization: 'Bearer wrong-token-000000' },
        })
      ).status,
    ).toBe(401);
    const auth = { headers: { authorization: `Bearer ${API_TOKEN}` } };
    expect((await fetch(new URL('/api/services/nope', base), auth)).status).toBe(404);
    expect((await fetch(new URL('/api/audit?limit=0', base), auth)).status).toBe(400);
    await bot.slash('kaizen v0.7.0', MALLORY);
    const body = (await (await fetch(new URL('/api/audit?service=kaizen&limit=1', base), auth)).json()) as {
      entries: AuditEntry[];
    };
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({
      type: 'denied',
      actor: { id: 'U0MALLORY', source: 'slack' },
      service: 'kaizen',
    });
  });

  it('--break-glass (CLI only) skips approvals with a reason and is audited', async () => {
    const cli = { requester: { id: 'U0ALICE', name: 'alice', source: 'cli' as const } };
    const noReason = await bot.bot.commands.handle('kaizen v0.7.0 --break-glass', cli);
    expect(noReason).toMatchObject({ kind: 'error', error: { code: 'break_glass_needs_reason' } });
    const chat = await bot.slash('kaizen v0.7.0 --break-glass --reason "slack approvals down"', ALICE);
    expect(blocksText(chat.body)).toMatch(/only accepted from the CLI/);
    const reply = await bot.bot.commands.handle(
      'kaizen v0.7.0 --break-glass --reason "approvers unreachable"',
      cli,
    );
    expect(reply).toMatchObject({ kind: 'plan', enqueued: true });
    await bot.slack.waitFor(() => imageOf() === 'kaizen:v0.7.0', 20_000).catch(() => undefined);
    expect(imageOf()).toBe('kaizen:v0.7.0');
    const entries = await audit('service=kaizen');
    expect(entries.find((e) => e.type === 'break_glass')).toMatchObject({
      actor: { source: 'cli' },
      detail: expect.stringContaining('approvers unreachable'),
    });
  });
});
