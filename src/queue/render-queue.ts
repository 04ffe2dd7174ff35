import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { describeError, PermanentError, RetryableError } from '../errors/rollback-error.js';
import { RetryLaterError } from '../errors/retry-later-error.js';
import type { SnapshotSurface } from '../rollback/ports/snapshot-surface.js';

export const RENDER_QUEUE = 'renders';

export interface RenderJobData {
  jobId: string;
  version: number;
  /**
   * Draw the newest snapshot even if it is newer than `version` (a throttled request: it stands for every
   * version heard since the last one). Without it, a job of a version that is no longer the newest ends
   * at once, leaving the drawing to the newest version's own job.
   */
  newest?: boolean;
}

/**
 * Decouples rollbacks from chat: every published snapshot adds a small render job, and a separate worker
 * draws the latest snapshot on each surface, retrying with backoff. A Slack outage delays the status
 * message; it never slows or fails the rollback.
 */
export class RenderQueue {
  readonly queue: Queue<RenderJobData>;

  constructor(
    connection: ConnectionOptions,
    private readonly prefix: string,
    log?: Logger,
  ) {
    this.queue = new Queue<RenderJobData>(RENDER_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => log?.warn({ err: error }, 'render queue: Redis error'));
  }

  async request(jobId: string, version: number, options: { newest?: boolean } = {}): Promise<void> {
    await this.queue.add(
      'render',
      { jobId, version, ...(options.newest ? { newest: true } : {}) },
      {
        jobId: `render-${jobId}-${version}`,
        attempts: 15,
        backoff: { type: 'render', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
    );
  }

  /**
   * `latestVersion` lets a render job of a version that is no longer the newest end at once: the newest
   * version's own job draws it (every published version has one), so a burst of snapshots costs one drawing.
   */
  startWorker(
    connection: ConnectionOptions,
    surfaces: SnapshotSurface[],
    log: Logger,
    latestVersion?: (jobId: string) => Promise<number | undefined>,
  ): Worker<RenderJobData> {
    const worker = new Worker<RenderJobData>(
      RENDER_QUEUE,
      async (job, token) => {
        const latest = job.data.newest ? undefined : await latestVersion?.(job.data.jobId);
        if (latest !== undefined && latest > job.data.version) return;
        for (const surface of surfaces) {
          try {
            await surface.sync(job.data.jobId);
          } catch (error) {
            if (error instanceof RetryableError && error.code === 'render_busy' && token) {
              // Another render of this rollback holds the lock and draws until it is current: look again
              // shortly, without using up one of this job's attempts.
              await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 100), token);
              throw new DelayedError();
            }
            if (error instanceof RetryLaterError && error.code === 'render_deferred') {
              // Slack's rate limit (or the update interval) says not now: a render job of the same version
              // comes back then and draws the newest snapshot; this one ends without using an attempt.
              await this.requestLater(job.data, error.retryAfterMs + Math.floor(Math.random() * 50));
              return;
            }
            const described = describeError(error);
            log.warn(
              {
                surface: surface.name,
                jobId: job.data.jobId,
                error: described,
                attempt: job.attemptsMade + 1,
              },
              'could not draw the status',
            );
            if (error instanceof PermanentError) throw new UnrecoverableError(described.message);
            throw error;
          }
        }
      },
      {
        connection,
        prefix: `${this.prefix}:bull`,
        concurrency: 8,
        settings: { backoffStrategy: renderBackoff },
      },
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'render worker error'));
    return worker;
  }

  /** A render of `data` after `delayMs`; renders due in the same quarter second are one job. */
  private async requestLater(data: RenderJobData, delayMs: number): Promise<void> {
    const due = Math.ceil((Date.now() + delayMs) / 250);
    await this.queue.add('render', data, {
      jobId: `render-${data.jobId}-${data.version}-at-${due}`,
      delay: delayMs,
      attempts: 15,
      backoff: { type: 'render', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** Slack down or rate limiting: back off exponentially from 1 s up to a minute. */
export function renderBackoff(attemptsMade: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
}
