import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';

export const STALL_CHECK_QUEUE = 'stall-checks';

interface StallCheckData {
  jobId: string;
}

/**
 * A delayed job per running rollback, due when it would count as stalled (ROLLBACK_STALL_MINUTES): it
 * survives restarts and runs on whichever web process is up, which then looks at the rollback again.
 */
export class StallCheckQueue {
  readonly queue: Queue<StallCheckData>;

  constructor(
    connection: ConnectionOptions,
    private readonly prefix: string,
    log?: Logger,
  ) {
    this.queue = new Queue<StallCheckData>(STALL_CHECK_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => log?.warn({ err: error }, 'stall check queue: Redis error'));
  }

  /** Once per rollback: scheduling again is ignored (same job id). */
  async schedule(jobId: string, at: Date): Promise<void> {
    await this.queue.add(
      'check',
      { jobId },
      {
        jobId: `stall-${jobId}`,
        delay: Math.max(0, at.getTime() - Date.now()) + 250,
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  startWorker(connection: ConnectionOptions, check: (jobId: string) => Promise<void>, log: Logger): Worker {
    const worker = new Worker<StallCheckData>(STALL_CHECK_QUEUE, (job) => check(job.data.jobId), {
      connection,
      prefix: `${this.prefix}:bull`,
      concurrency: 2,
    });
    worker.on('failed', (job, error) =>
      log.warn(
        { jobId: job?.data.jobId, error: describeError(error) },
        'could not check a rollback for a stall',
      ),
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'stall check worker error'));
    return worker;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
