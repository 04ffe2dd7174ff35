import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { postToBot, signSlackBody, slashCommandRequest } from '../../support/slack-request.js';
import {
  commandAnswer,
  parseAcknowledgement,
  SIGNING_SECRET,
  startTestBot,
  type TestBot,
} from '../../support/test-bot.js';

const CHANNEL = 'C0INCIDENT';

describe('a signed Slack request received again', () => {
  let kube: FakeKube;
  let bot: TestBot;

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
    });
  });
  afterEach(async () => {
    await bot.close();
    await kube.close();
  });

  const patches = () => kube.requests.filter((r) => r.method === 'PATCH').length;
  const statusMessages = () =>
    bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen')).length;

  it('is answered without a second rollback, after the first one has ended', async () => {
    const responseUrl = bot.slack.responseUrl('cmd');
    const request = slashCommandRequest({
      signingSecret: SIGNING_SECRET,
      text: 'kaizen v0.7.0',
      channelId: CHANNEL,
      responseUrl,
    });
    const first = await postToBot(bot.bot.url as string, request);
    const answer = await commandAnswer(bot.slack, parseAcknowledgement(await first.text()), responseUrl);
    expect(answer.text).toMatch(/job kaizen-/);
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0'); // the bad version again
    const patchesBefore = patches();

    // The captured request, sent again byte for byte within Slack's 5-minute window.
    const replay = await postToBot(bot.bot.url as string, request);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toMatch(/already received; nothing was done again/);

    // Slack's own retry of it: the same body, signed again with a fresh timestamp, X-Slack-Retry-Num.
    const retryTs = Math.floor(Date.now() / 1000) + 1;
    const retry = await postToBot(bot.bot.url as string, {
      headers: {
        ...request.headers,
        'X-Slack-Request-Timestamp': String(retryTs),
        'X-Slack-Signature': signSlackBody(SIGNING_SECRET, request.body, retryTs),
        'X-Slack-Retry-Num': '1',
        'X-Slack-Retry-Reason': 'http_timeout',
      },
      body: request.body,
    });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe('');

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(patches()).toBe(patchesBefore);
    expect(statusMessages()).toBe(1);
    expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.8.0',
    );

    // A new command with the same text (a new signature, no retry header) is a new request and acts.
    const fresh = await bot.slash('kaizen v0.7.0', { channelId: CHANNEL, timestamp: retryTs + 1 });
    expect(fresh.body.text).toMatch(/job kaizen-/);
    await bot.slack.waitFor(() => statusMessages() === 2, 20_000);
  }, 40_000);
});
