import type { ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { SnapshotSurface } from '../rollback/ports/snapshot-surface.js';
import { followPublishedSnapshots } from '../stores/follow-published-snapshots.js';
import type { RedisKeys } from '../stores/redis-keys.js';
import type { RedisProgressStore } from '../stores/redis-progress-store.js';
import { isFinished, type ProgressSnapshot } from '../rollback/progress-snapshot.js';
import { RenderQueue } from './render-queue.js';
import { RenderThrottle } from './render-throttle.js';
import { RequestedVersions } from './requested-versions.js';
import type { RedisClient } from '../stores/redis-client.js';

export interface StatusRenderingOptions {
  connection: ConnectionOptions;
  /** Opens the connection that follows snapshots published by other processes. */
  subscriber: () => RedisClient;
  keys: RedisKeys;
  progress: RedisProgressStore;
  /** Where every snapshot is drawn (the Slack status message). */
  surfaces: SnapshotSurface[];
  log: Logger;
  /** The render requests of one rollback are sent at most this often (ms), final states at once. */
  renderIntervalMs?: number;
}

/**
 * Render requests of one rollback, at most this often (ms). Its status message shows intermediate states
 * at most once a second anyway; a step's thread reply waits this long at most.
 */
export const DEFAULT_RENDER_INTERVAL_MS = 250;

/** Running status rendering; `close()` stops following snapshots, then closes the render worker and queue. */
export interface StatusRendering {
  close(): Promise<void>;
}

/**
 * Draws every published snapshot on the surfaces through render jobs: snapshots published in this process
 * are queued directly, without making the publisher (the worker's step loop) wait, and those published by
 * worker processes (ROLE=worker) arrive through Redis pub/sub; the render job id dedupes the two. The
 * requests of one rollback are spaced out (render-throttle.ts): a burst of versions is one job drawing
 * the newest, and a final state is requested at once. A render worker draws them, retrying with backoff. A final state is also drawn at
 * once, without the queue's round trip and beside a render busy with the thread; its render job then
 * finds it drawn, or draws what failed.
 */
export async function startStatusRendering(options: StatusRenderingOptions): Promise<StatusRendering> {
  const { connection, keys, progress, log } = options;
  const renderQueue = new RenderQueue(connection, keys.prefix, log);
  const requested = new RequestedVersions();
  const drawing = new Set<Promise<void>>();
  const sending = new Set<Promise<void>>();
  const throttle = new RenderThrottle((jobId, version) => {
    const sent = renderQueue.request(jobId, version, { newest: true }).catch((error: unknown) => {
      // Left to the pub/sub path (or the next version) to request.
      requested.forget(jobId, version);
      log.warn({ err: error, jobId }, 'could not queue a status render');
    });
    sending.add(sent);
    void sent.finally(() => sending.delete(sent));
  }, options.renderIntervalMs ?? DEFAULT_RENDER_INTERVAL_MS);
  const drawFinalNow = (snapshot: ProgressSnapshot) => {
    if (!isFinished(snapshot)) return;
    for (const surface of options.surfaces) {
      // Failures (a render already drawing, Slack's limits, Slack down) are the render job's to retry.
      const draw = (surface.drawFinal?.(snapshot) ?? surface.sync(snapshot.jobId)).catch(() => undefined);
      drawing.add(draw);
      void draw.finally(() => drawing.delete(draw));
    }
  };
  progress.onPublished((snapshot) => {
    requested.note(snapshot.jobId, snapshot.version);
    drawFinalNow(snapshot);
    throttle.request(snapshot.jobId, snapshot.version, isFinished(snapshot));
  });
  const unfollow = await followPublishedSnapshots({
    subscriber: options.subscriber,
    keys,
    progress,
    log,
    // This process's own snapshots were requested as they were published: only newer ones need a job.
    onSnapshot: async (snapshot) => {
      if (!requested.note(snapshot.jobId, snapshot.version)) return;
      drawFinalNow(snapshot);
      throttle.request(snapshot.jobId, snapshot.version, isFinished(snapshot));
    },
  });
  const worker = renderQueue.startWorker(
    connection,
    options.surfaces,
    log.child({ component: 'render' }),
    async (jobId) => (await progress.get(jobId))?.version,
  );
  return {
    async close() {
      await unfollow();
      throttle.flush();
      await Promise.all([...drawing, ...sending]);
      await worker.close();
      await renderQueue.close();
    },
  };
}
