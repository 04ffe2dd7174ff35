import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { RollbackWatchTimer } from '../rollback/ports/rollback-watch-timer.js';
import type { WatchResult } from '../rollback/watch/rollback-watcher.js';

export const ROLLBACK_WATCH_QUEUE = 'rollback-watch';

interface WatchCheckData {
  jobId: string;
  /** ISO time the watch ends. */
  until: string;
  /** Which look this is (0 the first): part of the BullMQ job id, so each look is enqueued once. */
  look: number;
}

const KEEP = { age: 24 * 3600 };

/**
 * The watch after a successful rollback as a chain of delayed BullMQ jobs, one look every `intervalMs`
 * until the window ends: each look enqueues the next before it completes, under a job id made of the
 * rollback and the look's number, so a worker that dies mid-look is replaced by BullMQ's stalled-job
 * recovery and a look is never scheduled twice. Survives restarts: the chain lives in Redis.
 */
export class RollbackWatchQueue implements RollbackWatchTimer {
  readonly queue: Queue<WatchCheckData>;

  constructor(
    connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly intervalMs: number,
    log?: Logger,
  ) {
    this.queue = new Queue<WatchCheckData>(ROLLBACK_WATCH_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => log?.warn({ err: error }, 'rollback watch queue: Redis error'));
  }

  start(jobId: string, until: Date): Promise<void> {
    return this.enqueue({ jobId, until: until.toISOString(), look: 0 }, 0);
  }

  private async enqueue(data: WatchCheckData, delay: number): Promise<void> {
    await this.queue.add('look', data, {
      jobId: `watch-${data.jobId}-${data.look}`,
      delay,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: KEEP,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Runs the looks: `check` answers holding (look again after the interval), reverted or over (stop). */
  startWorker(
    connection: ConnectionOptions,
    check: (jobId: string, until: Date) => Promise<WatchResult>,
    log: Logger,
  ): Worker<WatchCheckData> {
    const worker = new Worker<WatchCheckData>(
      ROLLBACK_WATCH_QUEUE,
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

  close(): Promise<void> {
    return this.queue.close();
  }
}
