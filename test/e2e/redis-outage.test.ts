import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

/** Every text a user reads in the acknowledgement and in later response_url answers. */
function answers(bot: TestBot, ack: unknown): string {
  return [JSON.stringify(ack), ...bot.slack.callsTo('response_url').map((c) => JSON.stringify(c.args))].join(
    '\n',
  );
}

describe('Redis goes away while the bot runs', () => {
  let redis: PrivateRedis;
  let kube: FakeKube;
  let bot: TestBot;

  beforeEach(async () => {
    redis = await startPrivateRedis();
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
      config: { redisUrl: redis.url },
    });
  });
  afterEach(async () => {
    await redis.start();
    await bot.close();
    await kube.close();
    await redis.stop();
  });

  it('answers plainly that nothing was queued, then works again once Redis is back', async () => {
    await redis.stop();
    const down = await bot.slash('kaizen v0.7.0');
    expect(down.status).toBe(200);
    await bot.slack.waitFor(() => /Redis\) did not answer/.test(answers(bot, down.body)), 10_000);
    expect(answers(bot, down.body)).toMatch(/nothing was changed/);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    await redis.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const up = await bot.slash('kaizen v0.7.0');
    expect(up.body.text).toMatch(/job kaizen-/);
    await bot.slack.waitFor(
      () => bot.slack.messages('C0DEPLOYS').some((m) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    expect(kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );
  }, 60_000);
});
