import { Queue, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { CancellableQueue, QueueRemoval } from '../rollback/ports/cancellation.js';
import type { RollbackQueue } from '../rollback/ports/rollback-queue.js';

export const ROLLBACK_QUEUE = 'rollbacks';

export interface RollbackJobData {
  plan: RollbackPlan;
}

/** The producer side: accepted plans become BullMQ jobs whose id is the plan's job id. */
export class BullmqRollbackQueue implements RollbackQueue, CancellableQueue {
  readonly queue: Queue<RollbackJobData>;

  constructor(connection: ConnectionOptions, prefix: string, log?: Logger) {
    this.queue = new Queue<RollbackJobData>(ROLLBACK_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => log?.warn({ err: error }, 'rollback queue: Redis error'));
  }

  async enqueue(plan: RollbackPlan): Promise<void> {
    await this.queue.add(
      'rollback',
      { plan },
      {
        jobId: plan.jobId,
        // Retries happen per step inside the job; a job that failed must not run its steps again.
        attempts: 1,
        removeOnComplete: { age: 30 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }

  /**
   * BullMQ's removeJob script is atomic and refuses a job whose lock a live worker holds: a waiting job
   * is gone before any worker can take it, a running one is left to its worker. A job whose worker died
   * (lock expired, not yet recovered) is removed too, so it never resumes.
   */
  async removeUnlessRunning(jobId: string): Promise<QueueRemoval> {
    const state = await this.queue.getJobState(jobId);
    if (state === 'unknown') return 'absent';
    if (state === 'completed' || state === 'failed') return 'finished';
    return (await this.queue.remove(jobId)) === 1 ? 'removed' : 'running';
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
