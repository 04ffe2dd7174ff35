import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { callBudget } from '../../src/surfaces/slack/call-allowance.js';

const CHANNEL = 'C0DEPLOYS';

async function deployment(kube: FakeKube, name: string, replicas = 3): Promise<void> {
  await kube.createDeployment({ name, container: name, image: `${name}:v0.7.0`, replicas });
  await kube.deploy('default', name, name, `${name}:v0.8.0`);
}

const statusOf = (bot: TestBot, service: string): FakeMessage | undefined =>
  bot.slack.messages(CHANNEL).find((m) => m.text.startsWith(`Rollback of ${service} `));
const jobIdOf = (text: string | undefined) =>
  /job ([a-z0-9-]+-[a-z0-9]+-[a-z0-9]{4})/.exec(text ?? '')?.[1] as string;

describe('Slack at real-world limits', () => {
  let kube: FakeKube;
  let bot: TestBot;
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  it('a 5-step Kubernetes rollback costs at most 10 Web API calls, with Slack answering in 150 ms', async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await deployment(kube, 'kaizen');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenServiceIn(CHANNEL, { kubernetes: { rolloutTimeout: '20s' } }) },
      fakeSlack: { latencyMs: 150 },
    });
    await bot.slack.waitFor(() => bot.slack.callsTo('auth.test').length === 1, 5_000);
    const before = bot.slack.calls.length;
    const { body } = await bot.slash('kaizen v0.7.0');
    const jobId = jobIdOf(body.text);
    await bot.slack.waitFor(() => /Rolled back kaizen/.test(statusOf(bot, 'kaizen')?.text ?? ''), 20_000);
    const snapshot = await bot.bot.rollbacks.status(jobId);
    expect(snapshot?.steps).toHaveLength(5);
    // Whatever is still to draw (thread replies, checklists) arrives after the status.
    const stepsWithDetails = new Set(snapshot?.details.map((d) => d.stepId)).size;
    // ...and then the post-mortem draft, the one file of a rollback without evidence bundles.
    await bot.slack.waitFor(
      () => (statusOf(bot, 'kaizen')?.replies.length ?? 0) === stepsWithDetails + 2,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const webApi = bot.slack.calls.slice(before).filter((c) => c.method !== 'response_url');
    const isUpload = (method: string) => method.startsWith('files.') || method === 'file_upload';
    // The post-mortem reminder (chat.scheduleMessage) is counted apart from the status drawing, like uploads.
    const reminders = webApi.filter((c) => c.method === 'chat.scheduleMessage');
    expect(reminders.length).toBeLessThanOrEqual(1);
    const status = webApi.filter((c) => !isUpload(c.method) && c.method !== 'chat.scheduleMessage');
    expect(status.map((c) => c.method).sort()).toEqual(
      expect.arrayContaining(['chat.postMessage', 'chat.update']),
    );
    expect(
      status.length,
      `status calls: ${status.map((c) => `${c.method} ${c.status}`).join(', ')}`,
    ).toBeLessThanOrEqual(callBudget(5));
    // Uploads are counted apart from the status budget: two Web API calls per file, plus the bytes' POST.
    expect(webApi.filter((c) => isUpload(c.method)).map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'file_upload',
      'files.completeUploadExternal',
    ]);
    const replies = statusOf(bot, 'kaizen')?.replies ?? [];
    expect(replies.at(-2)?.text).toMatch(/Verify|verif/i);
    expect(replies.at(-1)?.files?.[0]?.title).toMatch(/^Post-mortem draft: kaizen/);
    expect(bot.slack.messages(CHANNEL)).toHaveLength(1);
  });
});
