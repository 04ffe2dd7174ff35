import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type BotHandle } from '../../src/main/start-bot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisServiceLocks } from '../../src/stores/redis-service-locks.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { blocksText, jobIdOf, RollbackObserver, stepStates } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { kaizenServiceIn } from '../support/kaizen-service.js';

const CHANNEL = 'C0DEPLOYS';
const SERVICES = {
  kaizen: kaizenServiceIn(CHANNEL, {
    kubernetes: { rolloutTimeout: '20s' },
    // Bob cancels Alice's rollbacks here: without this section only she could (the safe default).
    permissions: { request: { users: ['U0ALICE', 'U0BOB'] }, channels: [CHANNEL] },
  }),
};

function imageOf(kube: FakeKube): string | undefined {
  return kube.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;
}

describe('/rollback cancel', () => {
  let kube: FakeKube;
  let bot: TestBot;
  let observer: RollbackObserver;
  let extraWorker: BotHandle | undefined;

  async function start(role: 'web' | 'all'): Promise<void> {
    bot = await startTestBot({ role, kubeconfigPath: kube.kubeconfigPath, services: SERVICES });
    observer = new RollbackObserver(bot.config.redisPrefix);
  }

  beforeEach(async () => {
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  });
  afterEach(async () => {
    await extraWorker?.close();
    extraWorker = undefined;
    observer.close();
    await bot.close();
    await kube.close();
  });

  it('stops a queued job at once: out of the queue, reported cancelled, lock released, audited, never runs', async () => {
    await start('web'); // no worker anywhere: the job stays queued
    const accepted = await bot.slash('kaizen v0.7.0', { channelId: CHANNEL });
    const jobId = jobIdOf(accepted.body.text);
    expect((await observer.snapshot(jobId))?.state).toBe('queued');

    const { body } = await bot.slash(`cancel ${jobId}`, { userId: 'U0BOB', userName: 'bob' });
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toContain(`Cancelled ${jobId}`);
    expect(blocksText(body)).toMatch(
      /cancelled by bob before it started\. Done: nothing\. Not done: .*Perform rollback.*Nothing was changed\./,
    );

    const snapshot = await observer.snapshot(jobId);
    expect(snapshot?.state).toBe('cancelled');
    expect(snapshot?.cancelRequested?.by.name).toBe('bob');
    expect(Object.values(stepStates(snapshot!)).every((state) => state === 'skipped')).toBe(true);

    const queue = new Queue('rollbacks', {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: `${bot.config.redisPrefix}:bull`,
    });
    expect(await queue.getJob(jobId)).toBeUndefined();
    await queue.close();
    expect(await new RedisServiceLocks(observer.redis, observer.keys).holder('kaizen')).toBeUndefined();

    const audit = await observer.auditOf(jobId);
    expect(audit.filter((e) => e.type === 'cancel_requested').map((e) => e.actor.name)).toEqual(['bob']);
    expect(audit.filter((e) => e.type === 'cancelled').map((e) => [e.actor.name, e.detail])).toEqual([
      ['bob', expect.stringContaining('before it started')],
    ]);

    await bot.slack.waitFor(
      () =>
        /cancel/i.test(
          bot.slack
            .messages(CHANNEL)
            .map((m) => blocksText(m))
            .join('\n'),
        ),
      5_000,
    );

    // A worker that starts now never runs the cancelled job.
    extraWorker = await startBot({ ...bot.config, role: 'worker' }, { log: silentLogger() });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(imageOf(kube)).toBe('kaizen:v0.8.0');
    expect((await observer.snapshot(jobId))?.state).toBe('cancelled');

    // The lock is free: the next rollback is accepted and runs.
    const next = await bot.slash('kaizen v0.7.0');
    const nextId = jobIdOf(next.body.text);
    await observer.waitFor(nextId, (s) => s.state === 'succeeded');
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');
  });

  it('answers clearly that a finished rollback cannot be cancelled, and changes nothing', async () => {
    await start('all');
    const jobId = jobIdOf((await bot.slash('kaizen v0.7.0')).body.text);
    const done = await observer.waitFor(jobId, (s) => s.state === 'succeeded');

    const { body } = await bot.slash(`cancel ${jobId}`, { userId: 'U0BOB', userName: 'bob' });
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toContain(`Rollback ${jobId} of kaizen already succeeded`);
    expect(blocksText(body)).toContain('nothing to cancel');
    const after = await observer.snapshot(jobId);
    expect(after?.state).toBe('succeeded');
    expect(after?.version).toBe(done.version);
    expect(imageOf(kube)).toBe('kaizen:v0.7.0');

    const audit = await observer.auditOf(jobId);
    expect(audit.filter((e) => e.type === 'cancel_requested').map((e) => [e.actor.name, e.detail])).toEqual([
      ['bob', 'refused: the rollback already succeeded'],
    ]);
    expect(audit.some((e) => e.type === 'cancelled')).toBe(false);

    const unknown = await bot.slash('cancel kaizen-nope-0000');
    expect(blocksText(unknown.body)).toContain('No rollback with id "kaizen-nope-0000"');
  });
});
