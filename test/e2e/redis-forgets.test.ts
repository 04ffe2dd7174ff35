import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from '../../src/rollback/progress-snapshot.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { blocksText, jobIdOf } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const LOCK_MS = 2_000;

/** Every text a user reads in the acknowledgement and in later response_url answers. */
function answers(bot: TestBot, ack: unknown): string {
  return [JSON.stringify(ack), ...bot.slack.callsTo('response_url').map((c) => JSON.stringify(c.args))].join(
    '\n',
  );
}

/** The status messages of a rollback in the channel (found by the metadata every status post carries). */
function statusMessages(bot: TestBot, jobId: string) {
  return bot.slack
    .messages(CHANNEL)
    .filter(
      (m) => m.metadata?.event_payload['job_id'] === jobId && m.metadata.event_payload['kind'] === 'status',
    );
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Redis that stalls, then comes back empty, while a rollback runs', () => {
  let redis: PrivateRedis;
  let kube: FakeKube;
  let bot: TestBot;
  let reader: Redis;
  let progress: RedisProgressStore;
  let letPull = () => undefined as void;

  beforeEach(async () => {
    redis = await startPrivateRedis();
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('120s') },
      config: {
        redisUrl: redis.url,
        durability: { redisCommandTimeoutMs: 1_000, dataCheckIntervalMs: 300 },
      },
      // The job's BullMQ lock is renewed every second, so its renewal fails (the job is gone) mid-rollback.
      overrides: { workerLockDurationMs: LOCK_MS },
    });
    reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    reader.on('error', () => undefined);
    progress = new RedisProgressStore(reader, new RedisKeys(bot.config.redisPrefix));
  }, 60_000);
  afterEach(async () => {
    letPull();
    redis.thaw();
    reader.disconnect();
    await bot.close();
    await kube.close();
    await redis.stop();
  }, 60_000);

  const snapshot = (jobId: string, ok: (s: ProgressSnapshot) => boolean) =>
    until(`snapshot of ${jobId}`, async () => {
      const s = await progress.get(jobId);
      return s && ok(s) ? s : undefined;
    });

  it('answers promptly while Redis is frozen, then keeps one status message, its lock and a warning', async () => {
    // The new pods stay in ContainerCreating until the pull is let go: the rollout watch waits meanwhile.
    letPull = kube.holdImagePull('kaizen:v0.7.0');
    const jobId = jobIdOf((await bot.slash('kaizen v0.7.0')).body.text);
    await snapshot(jobId, (s) => s.steps.find((x) => x.id === 'monitor')?.state === 'running');
    await bot.slack.waitFor(() => statusMessages(bot, jobId).length === 1, 10_000);

    // Frozen: a command gets a plain answer instead of waiting for Redis, and /readyz says not ready.
    redis.freeze();
    const frozen = await bot.slash(`status ${jobId}`);
    expect(frozen.status).toBe(200);
    await bot.slack.waitFor(() => /store \(Redis\) did not answer/.test(answers(bot, frozen.body)), 10_000);
    expect(answers(bot, frozen.body)).not.toMatch(/Something went wrong/);
    const notReady = await fetch(`${bot.bot.url}/readyz`);
    expect(notReady.status).toBe(503);
    const probe = (await notReady.json()) as { checks: { name: string; ok: boolean }[] };
    expect(probe.checks.find((c) => c.name === 'redis')?.ok).toBe(false);
    redis.thaw();

    // Back, but empty: the worker notices, puts its rollback back and says so.
    await redis.stop();
    await redis.start();
    await snapshot(jobId, (s) => (s.warnings ?? []).some((w) => w.includes('Redis lost the bot’s data')));
    const ready = (await (await fetch(`${bot.bot.url}/readyz`)).json()) as {
      checks: { name: string; detail?: string }[];
    };
    expect(ready.checks.find((c) => c.name === 'redis-data')?.detail).toMatch(/^lost at /);
    // The service's lock is the running job's again: what a deploy pipeline reads says so.
    const state = (await (await fetch(`${bot.bot.url}/api/services/kaizen`)).json()) as {
      activeJob: { jobId: string } | null;
    };
    expect(state.activeJob?.jobId).toBe(jobId);

    // Long enough for the worker to try renewing the lock of a job Redis no longer has: it must not give up.
    await new Promise((resolve) => setTimeout(resolve, 2 * LOCK_MS));
    letPull();
    await snapshot(jobId, (s) => s.state === 'succeeded');
    await bot.slack.waitFor(
      () => statusMessages(bot, jobId).some((m) => /Rolled back kaizen/.test(m.text)),
      15_000,
    );
    const [message, ...others] = statusMessages(bot, jobId);
    expect(others).toHaveLength(0);
    expect(blocksText(message ?? {})).toContain('Redis lost the bot’s data');
    // The change was made once, and the audit log says what was lost.
    const patches = kube.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes('/deployments/kaizen'),
    );
    expect(patches).toHaveLength(1);
    const audit = await fetch(`${bot.bot.url}/api/audit?jobId=${jobId}`);
    const entries = (await audit.json()) as { entries: { type: string }[] };
    expect(entries.entries.map((e) => e.type)).toContain('state_lost');
  }, 90_000);
});
