import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage, Outage } from '../support/fake-slack/types.js';
import { blockActionsRequest, postToBot } from '../support/slack-request.js';
import { commandAnswer, SIGNING_SECRET, startTestBot, type TestBot } from '../support/test-bot.js';
import { blocksText } from '../support/blocks-text.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';
const ALICE = { userId: 'U0ALICE', userName: 'alice' };
const BOB = { userId: 'U0BOB', userName: 'bob' };

const outages: [string, Outage][] = [
  ['HTTP 500', { kind: 'http', status: 500 }],
  ['429 with Retry-After', { kind: 'rate_limited', retryAfterSeconds: 1 }],
  ['connections refused', { kind: 'refuse' }],
];

describe('Slack Web API down while commands and approval clicks arrive', () => {
  let kube: FakeKube;
  let bot: TestBot;

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: {
        kaizen: kaizenServiceIn(CHANNEL, {
          approval: { required: 1, expiresAfter: '5m' },
          permissions: { approve: { users: [BOB.userId] } },
        }),
      },
    });
    await bot.slack.waitFor(() => bot.slack.callsTo('auth.test').length === 1);
  });
  afterEach(async () => {
    await bot.slack.up();
    await bot.close();
    await kube.close();
  });

  const statusMessage = (): FakeMessage | undefined =>
    bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of kaizen '));
  const answerTo = (id: string) =>
    bot.slack.callsTo('response_url').find((c) => c.responseUrlId === id && c.status === 200);

  it.each(outages)(
    '%s: the command and the click are acknowledged and recorded, and answered once Slack is back',
    async (_name, outage) => {
      await bot.slack.down(outage);
      const command = await bot.slash('kaizen v0.7.0 --reason "5xx after v0.8.0"', {
        ...ALICE,
        responseUrl: bot.slack.responseUrl('command'),
      });
      expect(command.status).toBe(200);
      // The plan is in the acknowledgement, or, when planning took longer than Slack's ack budget (a busy
      // machine), it follows through the response_url once Slack is back (checked below).
      await expect
        .poll(async () => (await bot.bot.rollbacks.recent(1, 'kaizen'))[0]?.state)
        .toBe('awaiting_approval');
      const jobId = (await bot.bot.rollbacks.recent(1, 'kaizen'))[0]?.jobId as string;

      const click = await postToBot(
        bot.bot.url as string,
        blockActionsRequest({
          signingSecret: SIGNING_SECRET,
          ...BOB,
          actions: [{ action_id: 'rollback_approve', value: jobId }],
          messageTs: '1700000000.000100',
          responseUrl: bot.slack.responseUrl('click'),
        }),
      );
      expect(click.status).toBe(200);
      // Recorded while Slack is down: the approval counts and the rollback runs to its end.
      await expect
        .poll(async () => (await bot.bot.rollbacks.status(jobId))?.state, { timeout: 15_000 })
        .toBe('succeeded');
      expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
        'kaizen:v0.7.0',
      );
      expect(answerTo('click')).toBeUndefined();

      await bot.slack.up();
      const plan = await commandAnswer(bot.slack, command.body, bot.slack.responseUrl('command'));
      expect(blocksText(plan)).toMatch(/Waiting for 1 approval/);
      expect(plan.text).toContain(jobId);
      await bot.slack.waitFor(() => answerTo('click') !== undefined, 10_000);
      expect(blocksText(answerTo('click')?.args)).toMatch(/Approved: the rollback of kaizen is queued/);
      await bot.slack.waitFor(() => /Rolled back kaizen/.test(blocksText(statusMessage())), 10_000);
      // No request waited on auth.test: it was asked once, at start-up.
      expect(bot.slack.callsTo('auth.test')).toHaveLength(1);
      expect(
        bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen ')),
      ).toHaveLength(1);
    },
  );
});
