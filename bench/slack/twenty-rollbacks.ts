import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { Catalog } from '../../src/config/catalog.js';
import { serviceSchema } from '../../src/config/service-schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startStatusRendering } from '../../src/queue/start-status-rendering.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../src/stores/redis-rollback-index.js';
import { RedisSlackRateLimiter, SLACK_RATE_LIMITS } from '../../src/stores/redis-slack-rate-limiter.js';
import { RedisSlackStatusStore } from '../../src/stores/redis-slack-status-store.js';
import { SlackStatusSurface } from '../../src/surfaces/slack/slack-status-surface.js';
import { quietLogger, SLACK_LIMITS, startFakeSlack } from '../../test/support/fake-slack/index.js';
import { kaizenService } from '../../test/support/kaizen-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis-test-prefix.js';
import { SIMULATED_STEPS, simulateRollback } from '../../test/support/simulated-rollback.js';

export interface TwentyRollbacksResult {
  rollbackSeconds: number;
  finalsShown: number;
  /** After the last job ended, when the last status showed its final state (ms). */
  lastFinalAfterMs: number;
  /** Per status message: final shown minus its job's end (ms), sorted. */
  finalLagMs: number[];
  threadsComplete: number;
  calls: number;
  refused: number;
}

/**
 * 20 rollbacks at once in one channel against a fake Slack that enforces Slack's own limits (1 post per
 * second per channel, chat.update 50 per minute) and answers in `latencyMs`: the real render queue, status
 * surface and limiter over Redis, the rollbacks' snapshots published as a worker does.
 */
export async function twentyRollbacks(
  latencyMs: number,
  waitThreadsMs: number,
): Promise<TwentyRollbacksResult> {
  const prefix = testPrefix('bench-twenty');
  const redis = new Redis(TEST_REDIS_URL);
  const keys = new RedisKeys(prefix);
  const slack = await startFakeSlack({ latencyMs, limits: SLACK_LIMITS });
  const progress = new RedisProgressStore(redis, keys);
  const index = new RedisRollbackIndex(redis, keys);
  const store = new RedisSlackStatusStore(redis, keys);
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const surface = new SlackStatusSurface({
    client,
    store,
    progress,
    index,
    catalog: new Catalog([serviceSchema.parse(kaizenService())]),
    limiter: new RedisSlackRateLimiter(redis, keys, SLACK_RATE_LIMITS),
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
    const started = Date.now();
    const finals = await Promise.all(
      Array.from({ length: 20 }, () => simulateRollback(progress, index, 'C0DEPLOYS')),
    );
    const rollbackSeconds = (Date.now() - started) / 1000;
    const shownAt = new Map<string, number>();
    const messageOf = async (jobId: string) => {
      const ts = (await store.get(jobId))?.ts;
      return slack.messages('C0DEPLOYS').find((m) => m.ts === ts);
    };
    const deadline = Date.now() + 120_000;
    while (shownAt.size < finals.length && Date.now() < deadline) {
      for (const f of finals) {
        if (!shownAt.has(f.jobId) && /Rolled back/.test((await messageOf(f.jobId))?.text ?? ''))
          shownAt.set(f.jobId, Date.now());
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lastEnd = Math.max(...finals.map((f) => Date.parse(f.endedAt ?? '')));
    const finalLagMs = finals
      .map((f) => (shownAt.get(f.jobId) ?? Number.NaN) - Date.parse(f.endedAt ?? ''))
      .sort((a, b) => a - b);
    await new Promise((resolve) => setTimeout(resolve, waitThreadsMs));
    const threads = await Promise.all(finals.map((f) => messageOf(f.jobId)));
    return {
      rollbackSeconds,
      finalsShown: shownAt.size,
      lastFinalAfterMs: Math.max(...shownAt.values()) - lastEnd,
      finalLagMs,
      threadsComplete: threads.filter((m) => m?.replies.length === SIMULATED_STEPS.length + 1).length,
      calls: slack.calls.length,
      refused: slack.calls.filter((c) => c.status === 429).length,
    };
  } finally {
    await rendering.close();
    await slack.close();
    await deletePrefix(prefix);
    redis.disconnect();
  }
}
