import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { RollbackWatchTimer } from '../rollback/ports/rollback-watch-timer.js';
import type { WatchResult } from '../rollback/watch/rollback-watcher.js';
import { DEFAULT_SITE } from './site-queues.js';

export const ROLLBACK_WATCH_QUEUE = 'rollback-watch';

/**
 * The watch queue of a site: a look reads the site's cluster, so only a worker of that site may take it.
 * The default site keeps the queue's first name.
 */
export function rollbackWatchQueueName(site: string = DEFAULT_SITE): string {
  return site === DEFAULT_SITE ? ROLLBACK_WATCH_QUEUE : `${ROLLBACK_WATCH_QUEUE}-${site}`;
}

interface WatchCheckData {
  jobId: string;
  /** ISO time the watch ends. */
  until: string;
  /** Which look this is (0 the first): part of the BullMQ job id, so each look is enqueued once. */
  look: number;
  /** The service's site: the looks stay in that site's queue. */
  site?: string;
}

const KEEP = { age: 24 * 3600 };

/**
 * The watch after a successful rollback as a chain of delayed BullMQ jobs, one look every `intervalMs`
 * until the window ends: each look enqueues the next before it completes, under a job id made of the
 * rollback and the look's number, so a worker that dies mid-look is replaced by BullMQ's stalled-job
 * recovery and a look is never scheduled twice. Survives restarts: the chain lives in Redis.
 */
export class RollbackWatchQueue implements RollbackWatchTimer {
  private readonly queues = new Map<string, Queue<WatchCheckData>>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly intervalMs: number,
    private readonly log?: Logger,
  ) {}

  /** The queue of `site` (the default site's when none is named), opened on first use. */
  queueFor(site: string = DEFAULT_SITE): Queue<WatchCheckData> {
    let queue = this.queues.get(site);
    if (!queue) {
      queue = new Queue<WatchCheckData>(rollbackWatchQueueName(site), {
        connection: this.connection,
        prefix: `${this.prefix}:bull`,
      });
      queue.on('error', (error) => this.log?.warn({ err: error }, 'rollback watch queue: Redis error'));
      this.queues.set(site, queue);
    }
    return queue;
  }

  start(jobId: string, until: Date, site?: string): Promise<void> {
    return this.enqueue({ jobId, until: until.toISOString(), look: 0, ...(site ? { site } : {}) }, 0);
  }

  private async enqueue(data: WatchCheckData, delay: number): Promise<void> {
    await this.queueFor(data.site).add('look', data, {
      jobId: `watch-${data.jobId}-${data.look}`,
      delay,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: KEEP,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /**
   * Runs the looks of `site`'s rollbacks: `check` answers holding (look again after the interval), reverted
   * or over (stop).
   */
  startWorker(
    connection: ConnectionOptions,
    check: (jobId: string, until: Date) => Promise<WatchResult>,
    log: Logger,
    site: string = DEFAULT_SITE,
  ): Worker<WatchCheckData> {
    const worker = new Worker<WatchCheckData>(
      rollbackWatchQueueName(site),
      async (job) => {
        const result = await check(job.data.jobId, new Date(job.data.until));
        if (result === 'holding')
          await this.enqueue({ ...job.data, look: job.data.look + 1 }, this.intervalMs);
        else log.info({ jobId: job.data.jobId, result }, 'rollback watch ended');
        return result;
      },
      { connection, prefix: `${this.prefix}:bull`, concurrency: 4 },
    );
    worker.on('failed', (job, error) =>
      log.warn(
        { jobId: job?.data.jobId, error: describeError(error) },
        'a look of the rollback watch failed',
      ),
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'rollback watch worker error'));
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
