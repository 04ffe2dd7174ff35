import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/rollback/ports/audit-log.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';
const API_TOKEN = 'remedies-api-token';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface Button {
  action_id: string;
  value: string;
}

/** The buttons of a message's actions blocks. */
function buttonsOf(message: FakeMessage | undefined): Button[] {
  const blocks = (message?.blocks ?? []) as { type: string; elements?: Button[] }[];
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

describe('the diagnosis of a failed rollout offers the runbook next moves as buttons, run by the worker', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let clicks = 0;
  let failedJob: string;

  beforeAll(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    kube.markImageBroken('kaizen:v0.7.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      config: { apiToken: API_TOKEN },
      services: {
        kaizen: kaizenServiceIn(CHANNEL, {
          kubernetes: { rolloutTimeout: '3s' },
          permissions: { request: { users: ['U0ALICE'] } },
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await kube?.close();
  });

  const template = () => kube.deployment('default', 'kaizen').spec?.template;
  const audit = (jobId: string): Promise<AuditEntry[]> => auditOf(`jobId=${jobId}`);
  const auditOf = async (query: string): Promise<AuditEntry[]> => {
    const response = await fetch(new URL(`/api/audit?${query}`, bot.bot.url), {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    return ((await response.json()) as { entries: AuditEntry[] }).entries;
  };
  const statusMessages = () =>
    bot.slack.messages(CHANNEL).filter((m) => m.thread_ts === undefined && /kaizen/.test(m.text));
  /** The status message of one job: its text and blocks. */
  const statusOf = (jobId: string): string =>
    statusMessages()
      .filter((m) => JSON.stringify(m.blocks ?? []).includes(jobId))
      .map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`)
      .join('\n');
  /** The service's rolled-back mark as other tools read it (null: deploys are free). */
  const rolledBackMark = async (): Promise<unknown> => {
    const response = await fetch(new URL('/api/services/kaizen', bot.bot.url), {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { rolledBack: unknown }).rolledBack;
  };
  const diagnosisMessage = (): FakeMessage | undefined =>
    bot.slack
      .messages(CHANNEL)
      .flatMap((m) => m.replies ?? [])
      .find((reply) => buttonsOf(reply).length > 0);

  async function click(button: Button, user = { userId: 'U0ALICE', userName: 'alice' }): Promise<string> {
    const id = `remedy-click-${(clicks += 1)}`;
    const response = await postToBot(
      bot.bot.url as string,
      blockActionsRequest({
        signingSecret: SIGNING_SECRET,
        ...user,
        channelId: CHANNEL,
        actions: [{ action_id: button.action_id, value: button.value }],
        messageTs: diagnosisMessage()?.ts ?? '1.0',
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

  it('posts the diagnosis with "Restore from the pre-check backup" and "rollout restart"', async () => {
    const { body } = await bot.slash('kaizen v0.7.0');
    failedJob = /job (kaizen-[a-z0-9-]+)/.exec(body.text ?? '')?.[1] ?? '';
    expect(failedJob).not.toBe('');
    await bot.slack.waitFor(() => buttonsOf(diagnosisMessage()).length === 2, 30_000);
    const diagnosis = diagnosisMessage() as FakeMessage;
    expect(JSON.stringify(diagnosis.blocks)).toContain('What to do: Rollback stuck');
    expect(buttonsOf(diagnosis).map((b) => b.action_id)).toEqual([
      'rollback_remedy:restore_backup',
      'rollback_remedy:rollout_restart',
    ]);
    expect(template()?.spec?.containers[0]?.image).toBe('kaizen:v0.7.0');
  });

  it('refuses a click from someone who may not request rollbacks, audited, and changes nothing', async () => {
    const before = JSON.stringify(template());
    const answer = await click(buttonsOf(diagnosisMessage())[0] as Button, {
      userId: 'U0MALLORY',
      userName: 'mallory',
    });
    expect(answer).toMatch(/not allowed|may not/i);
    expect(JSON.stringify(template())).toBe(before);
    const denied = (await auditOf('service=kaizen')).filter((e) => e.type === 'denied');
    expect(denied.map((e) => e.actor.id)).toEqual(['U0MALLORY']);
  });

  it('restores the Deployment from the backup on a click: a new audited job the worker runs', async () => {
    const answer = await click(buttonsOf(diagnosisMessage())[0] as Button);
    expect(answer).toContain('Restore the Deployment from the pre-check backup');
    const jobId = /job `?(kaizen-[a-z0-9-]+)/.exec(answer)?.[1] ?? '';
    expect(jobId).not.toBe('');
    // Not a rollback: the status says what was done, never "Rolled back", and leaves no rolled-back mark.
    await bot.slack.waitFor(
      () => statusOf(jobId).includes('Restored kaizen from the pre-check backup'),
      30_000,
    );
    expect(statusOf(jobId)).not.toMatch(/Rolled back/);
    expect(template()?.spec?.containers[0]?.image).toBe('kaizen:v0.8.0');
    expect(await rolledBackMark()).toBeNull();
    const entries = await audit(jobId);
    const requested = entries.find((e) => e.type === 'requested');
    expect(requested?.actor).toMatchObject({ id: 'U0ALICE', source: 'slack' });
    expect(requested?.detail).toContain(`Restore from the pre-check backup after ${failedJob}`);
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['enqueued', 'succeeded']));
  });

  it('restarts the pods on a click (kubectl rollout restart), through the same path', async () => {
    expect(template()?.metadata?.annotations?.[RESTARTED_AT]).toBeUndefined();
    const answer = await click(buttonsOf(diagnosisMessage())[1] as Button);
    const jobId = /job `?(kaizen-[a-z0-9-]+)/.exec(answer)?.[1] ?? '';
    await bot.slack.waitFor(() => statusOf(jobId).includes('Restarted kaizen (rollout restart)'), 30_000);
    expect(statusOf(jobId)).not.toMatch(/Rolled back/);
    expect(await rolledBackMark()).toBeNull();
    expect(template()?.metadata?.annotations?.[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(template()?.spec?.containers[0]?.image).toBe('kaizen:v0.8.0');
    expect((await audit(jobId)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['requested', 'enqueued', 'succeeded']),
    );
  });
});
