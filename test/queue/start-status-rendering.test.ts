import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { startStatusRendering } from '../../src/queue/start-status-rendering.js';
import { newJobId } from '../../src/rollback/new-job-id.js';
import { initialSnapshot } from '../../src/rollback/snapshot-tracker.js';
import type { SnapshotSurface } from '../../src/rollback/ports/snapshot-surface.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';
import { testPlan } from '../support/test-plan.js';

const prefix = testPrefix('status-rendering');
const redis = new Redis(TEST_REDIS_URL);
const keys = new RedisKeys(prefix);
const connection = { host: '127.0.0.1', port: 6379 };

/** A surface that records the latest version it found for each rollback it was asked to draw. */
class RecordingSurface implements SnapshotSurface {
  readonly name = 'recording';
  readonly drawn = new Map<string, number>();
  constructor(private readonly progress: RedisProgressStore) {}
  async sync(jobId: string): Promise<void> {
    const snapshot = await this.progress.get(jobId);
    if (snapshot) this.drawn.set(jobId, snapshot.version);
  }
}

afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

/** Status rendering in this process, drawing on a {@link RecordingSurface}; renders spaced by the interval given. */
async function startRecordedRendering(renderIntervalMs?: number) {
  const progress = new RedisProgressStore(redis, keys);
  const surface = new RecordingSurface(progress);
  const rendering = await startStatusRendering({
    connection,
    subscriber: () => redis.duplicate(),
    keys,
    progress,
    surfaces: [surface],
    log: silentLogger(),
    ...(renderIntervalMs === undefined ? {} : { renderIntervalMs }),
  });
  return { progress, surface, rendering };
}

describe('status rendering', () => {
  it('draws snapshots published in this process and, through pub/sub, by worker processes', async () => {
    const { progress, surface, rendering } = await startRecordedRendering();
    // Another process: its own connection and store, which knows nothing of this process's listeners.
    const workerRedis = new Redis(TEST_REDIS_URL);
    const workerProgress = new RedisProgressStore(workerRedis, keys);
    try {
      const here = initialSnapshot(testPlan(newJobId('kaizen'), ['a']));
      await progress.publish(here);
      await expect.poll(() => surface.drawn.get(here.jobId), { timeout: 10_000 }).toBe(1);
      await progress.publish({ ...here, version: 2, state: 'running' });
      await expect.poll(() => surface.drawn.get(here.jobId), { timeout: 10_000 }).toBe(2);

      const there = initialSnapshot(testPlan(newJobId('kaizen'), ['a']));
      await workerProgress.publish({ ...there, version: 3 });
      await expect.poll(() => surface.drawn.get(there.jobId), { timeout: 10_000 }).toBe(3);
    } finally {
      await rendering.close();
      workerRedis.disconnect();
    }
  });

  it('spaces out the renders of a burst of intermediate versions, but draws the first and a final state at once', async () => {
    const { progress, surface, rendering } = await startRecordedRendering(60_000);
    try {
      const first = initialSnapshot(testPlan(newJobId('kaizen'), ['a', 'b']));
      await progress.publish(first);
      await expect.poll(() => surface.drawn.get(first.jobId), { timeout: 10_000 }).toBe(1);
      // A burst of step changes: the next render waits for the interval (a minute here).
      for (let version = 2; version <= 6; version++)
        await progress.publish({ ...first, version, state: 'running' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(surface.drawn.get(first.jobId)).toBe(1);
      // The rollback ends: drawn at once, with everything before it.
      await progress.publish({ ...first, version: 7, state: 'succeeded', endedAt: new Date().toISOString() });
      await expect.poll(() => surface.drawn.get(first.jobId), { timeout: 2_000 }).toBe(7);
    } finally {
      await rendering.close();
    }
  });

  it('draws the newest version of a burst within the interval', async () => {
    const { progress, surface, rendering } = await startRecordedRendering(200);
    try {
      const first = initialSnapshot(testPlan(newJobId('kaizen'), ['a', 'b']));
      for (let version = 1; version <= 6; version++)
        await progress.publish({ ...first, version, state: version === 1 ? 'queued' : 'running' });
      await expect.poll(() => surface.drawn.get(first.jobId), { timeout: 5_000 }).toBe(6);
    } finally {
      await rendering.close();
    }
  });
});
