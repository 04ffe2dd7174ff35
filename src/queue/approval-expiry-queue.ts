import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { describeError } from '../errors/rollback-error.js';
import type { ApprovalExpiry } from '../rollback/ports/approval-expiry.js';

export const APPROVAL_EXPIRY_QUEUE = 'approval-expiry';

interface ExpiryJobData {
  jobId: string;
}

/** A little after the deadline, so the store agrees it has passed. */
const GRACE_MS = 250;

/**
 * Expires pending approvals on time with a delayed BullMQ job per plan: it survives restarts and runs on
 * whichever web process is up. Clicks also check the deadline themselves, so a late sweep is harmless.
 */
export class ApprovalExpiryQueue implements ApprovalExpiry {
  readonly queue: Queue<ExpiryJobData>;

  constructor(
    connection: ConnectionOptions,
    private readonly prefix: string,
    log?: Logger,
  ) {
    this.queue = new Queue<ExpiryJobData>(APPROVAL_EXPIRY_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => log?.warn({ err: error }, 'approval expiry queue: Redis error'));
  }

  async schedule(jobId: string, at: Date): Promise<void> {
    await this.queue.add(
      'expire',
      { jobId },
      {
        jobId: `expire-${jobId}`,
        delay: Math.max(0, at.getTime() - Date.now()) + GRACE_MS,
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
    );
  }

  /** `expire` returns once the plan is closed (or was not pending); it throws to be retried. */
  startWorker(
    connection: ConnectionOptions,
    expire: (jobId: string) => Promise<void>,
    log: Logger,
  ): Worker<ExpiryJobData> {
    const worker = new Worker<ExpiryJobData>(APPROVAL_EXPIRY_QUEUE, (job) => expire(job.data.jobId), {
      connection,
      prefix: `${this.prefix}:bull`,
      concurrency: 4,
    });
    worker.on('failed', (job, error) =>
      log.warn({ jobId: job?.data.jobId, error: describeError(error) }, 'could not expire an approval yet'),
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'approval expiry worker error'));
    return worker;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
