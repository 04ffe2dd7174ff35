import { Queue, type ConnectionOptions } from 'bullmq';
import type { RollbackPlan } from '../rollback/plan.js';
import type { RollbackQueue } from '../rollback/ports/rollback-queue.js';

export const ROLLBACK_QUEUE = 'rollbacks';

export interface RollbackJobData {
  plan: RollbackPlan;
}

/** The producer side: accepted plans become BullMQ jobs whose id is the plan's job id. */
export class BullmqRollbackQueue implements RollbackQueue {
  readonly queue: Queue<RollbackJobData>;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.queue = new Queue<RollbackJobData>(ROLLBACK_QUEUE, { connection, prefix: `${prefix}:bull` });
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

  close(): Promise<void> {
    return this.queue.close();
  }
}
