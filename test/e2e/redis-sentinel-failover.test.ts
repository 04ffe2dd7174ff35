import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { startSentinelSetup, type SentinelSetup } from '../support/redis-sentinel-setup.js';
import { blocksText, jobIdOf, stepStates } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';

function patches(kube: FakeKube): number {
  return kube.requests.filter((r) => r.method === 'PATCH').length;
}

function imageOf(kube: FakeKube): string | undefined {
  return kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
}

function rolledOut(kube: FakeKube): boolean {
  const d = kube.deployment('default', 'kaizen');
  return d.status?.updatedReplicas === 3 && d.status.availableReplicas === 3 && d.status.replicas === 3;
}

describe('the Redis primary crashes in the middle of a rollback and Sentinel fails over', () => {
  let sentinel: SentinelSetup;
  let kube: FakeKube;
  let bot: TestBot;
  /** Reads through Sentinel, as any other client of the set-up would. */
  let reader: Redis;

  beforeAll(async () => {
    sentinel = await startSentinelSetup();
    // Three replicas that each take 1.5 s to become ready: the rollout is monitored for several seconds.
    kube = await startFakeKube({ readyDelayMs: 1_500 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 3 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('60s') },
      config: { redis: { sentinel: { sentinels: sentinel.sentinels, name: sentinel.name } } },
    });
    reader = new Redis({ sentinels: sentinel.sentinels, name: sentinel.name });
    reader.on('error', () => undefined); // reconnects through Sentinel by itself
  }, 60_000);
  afterAll(async () => {
    reader?.disconnect();
    await bot?.close();
    await kube?.close();
    await sentinel?.stop();
  });

  it('the rollback completes once, and its status, audit and Slack message are right', async () => {
    const { body } = await bot.slash('kaizen v0.7.0 --reason "error rate at 12%"');
    const jobId = jobIdOf(body.text);
    const keys = new RedisKeys(bot.config.redisPrefix);

    // The primary crashes while the rollout is being monitored: the change is applied, the rollout is not
    // finished. The sentinels notice (1 s), agree and promote the replica.
    const deadline = Date.now() + 15_000;
    while (patches(kube) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(patches(kube)).toBe(1);
    expect(rolledOut(kube)).toBe(false);
    const { from, to } = await sentinel.killPrimary();
    expect(to).not.toBe(from);
    expect((await new RedisProgressStore(reader, keys).get(jobId))?.state).toBe('running');

    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m) => /Rolled back kaizen|failed|cancelled/i.test(m.text)),
      20_000,
    );
    const status = bot.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Rollback of kaizen'));
    expect(status).toHaveLength(1);
    expect(blocksText(status[0]!)).toMatch(/Rolled back kaizen from v0.8.0 \(revision 2\) to v0.7.0/);

    // Applied exactly once, and the cluster really runs the target.
    expect(patches(kube)).toBe(1);
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');

    // The final snapshot lives on the new primary: every step done, the job succeeded.
    expect(await sentinel.primaryPort()).toBe(to);
    const final = await new RedisProgressStore(reader, keys).get(jobId);
    expect(final?.state).toBe('succeeded');
    expect(Object.values(stepStates(final!)).every((s) => s === 'done' || s === 'skipped')).toBe(true);
    const audit = (await reader.xrange(keys.audit(), '-', '+')).map(([, f]) => f.join(' '));
    expect(audit.filter((line) => line.includes('succeeded'))).toHaveLength(1);

    // Nothing went to the Redis of REDIS_URL: the bot used the Sentinel set-up only.
    const shared = new Redis(TEST_REDIS_URL);
    try {
      expect(await shared.exists(keys.snapshot(jobId))).toBe(0);
    } finally {
      shared.disconnect();
    }
  }, 45_000);
});
