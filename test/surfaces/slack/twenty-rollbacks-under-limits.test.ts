import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema } from '../../../src/config/service-schema.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startStatusRendering } from '../../../src/queue/start-status-rendering.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { RedisSlackRateLimiter, SLACK_RATE_LIMITS } from '../../../src/stores/redis-slack-rate-limiter.js';
import { RedisSlackStatusStore } from '../../../src/stores/redis-slack-status-store.js';
import { callBudget } from '../../../src/surfaces/slack/call-allowance.js';
import { SlackStatusSurface } from '../../../src/surfaces/slack/slack-status-surface.js';
import { quietLogger, scaledLimits, startFakeSlack } from '../../support/fake-slack/index.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { SIMULATED_STEPS, simulateRollback } from '../../support/simulated-rollback.js';

const prefix = testPrefix('twenty');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const CHANNEL = 'C0DEPLOYS';
/** Slack's limits (1 post/s/channel, 50 updates/min) on a clock running this many times faster. */
const SPEED = 20;

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('20 rollbacks at once in one channel, against a fake Slack that enforces its limits', () => {
  it('every status message ends in its true final state, none lost, none twice; threads follow', async () => {
    const slack = await startFakeSlack({ latencyMs: 50, limits: scaledLimits(SPEED) });
    const progress = new RedisProgressStore(redis, keys);
    const index = new RedisRollbackIndex(redis, keys);
    const store = new RedisSlackStatusStore(redis, keys);
    const limits = {
      perMinute: Object.fromEntries(
        Object.entries(SLACK_RATE_LIMITS.perMinute).map(([m, n]) => [m, n * SPEED]),
      ),
      postsPerSecondPerChannel: SLACK_RATE_LIMITS.postsPerSecondPerChannel * SPEED,
    };
    const surface = new SlackStatusSurface({
      client: new webApi.WebClient('xoxb-test', {
        slackApiUrl: slack.url,
        logger: quietLogger,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      }),
      store,
      progress,
      index,
      catalog: new Catalog([serviceSchema.parse(kaizenService())]),
      limiter: new RedisSlackRateLimiter(redis, keys, limits),
    });
    const rendering = await startStatusRendering({
      connection: { host: '127.0.0.1', port: 6379 },
      subscriber: () => redis.duplicate(),
      keys,
      progress,
      surfaces: [surface],
      log: silentLogger(),
    });
    try {
      // The rollbacks here are simulated snapshots, to test the drawing alone. How soon after 20 real Kubernetes
      // rollbacks through the whole bot Slack shows their final states is measured in bench/slack/twenty-rollbacks.ts
      // (BENCHMARKS.md) and tested in test/e2e/twenty-rollbacks-one-channel.test.ts; this test checks what ends
      // up in Slack.
      const finals = await Promise.all(
        Array.from({ length: 20 }, () => simulateRollback(progress, index, CHANNEL)),
      );

      const messageOf = async (jobId: string) => {
        const ts = (await store.get(jobId))?.ts;
        return slack.messages(CHANNEL).find((m) => m.ts === ts);
      };
      const allFinal = async () =>
        (await Promise.all(finals.map((f) => messageOf(f.jobId)))).every((m) =>
          /Rolled back/.test(m?.text ?? ''),
        );
      await expect.poll(allFinal, { timeout: 60_000, interval: 100 }).toBe(true);
      expect(slack.messages(CHANNEL)).toHaveLength(20);

      // The threads come after the statuses, and none is left behind: five step replies, then the checklists.
      const threadsDone = async () =>
        (await Promise.all(finals.map((f) => messageOf(f.jobId)))).every(
          (m) => m?.replies.length === SIMULATED_STEPS.length + 1,
        );
      await expect.poll(threadsDone, { timeout: 90_000, interval: 200 }).toBe(true);
      for (const final of finals) {
        const replies = (await messageOf(final.jobId))?.replies ?? [];
        expect(replies.at(-1)?.text).toMatch(/Verify by hand/);
        expect(replies[4]?.text).toMatch(/verify: pod 1\/2 ready[\s\S]*verify: pod 2\/2 ready/);
      }
      // Each within its call budget, as Slack saw the calls (a 429 counts) and as the bot counted them in Redis.
      for (const final of finals) {
        const message = await messageOf(final.jobId);
        const ours = new Set([message?.ts, ...(message?.replies ?? []).map((r) => r.ts)]);
        const jobOf = (args: Record<string, unknown>) =>
          (args.metadata as { event_payload?: { job_id?: string } } | undefined)?.event_payload?.job_id;
        const sent = slack.calls.filter(
          (c) => jobOf(c.args) === final.jobId || (c.method === 'chat.update' && ours.has(String(c.args.ts))),
        ).length;
        const counted = (await store.get(final.jobId))?.callsSpent ?? 0;
        // At least the posts: the status message (perhaps first drawn final), five replies, the checklists.
        expect(sent).toBeGreaterThanOrEqual(SIMULATED_STEPS.length + 2);
        expect(sent).toBeLessThanOrEqual(counted);
        expect(counted).toBeLessThanOrEqual(callBudget(SIMULATED_STEPS.length));
      }
      // The bot keeps to the limits itself: Slack seldom has to refuse it.
      const chat = slack.calls.filter((c) => c.method.startsWith('chat.'));
      expect(chat.filter((c) => c.status === 429).length).toBeLessThanOrEqual(chat.length / 10);
    } finally {
      await rendering.close();
      await slack.close();
    }
  }, 180_000);
});
