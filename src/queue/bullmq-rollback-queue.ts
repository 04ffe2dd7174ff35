import { Queue, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { CancellableQueue, QueueRemoval } from '../rollback/ports/cancellation.js';
import type { RollbackQueue } from '../rollback/ports/rollback-queue.js';
import { DEFAULT_SITE, distinctSites, rollbackQueueName, siteOf } from './site-queues.js';

/** The default site's queue name (sites each have their own: site-queues.ts). */
export const ROLLBACK_QUEUE = rollbackQueueName(DEFAULT_SITE);

export interface RollbackJobData {
  plan: RollbackPlan;
}

export interface BullmqRollbackQueueOptions {
  /** Sites whose queues to open at once (the catalog's), so a cancel finds a job whichever site holds it. */
  sites?: Iterable<string>;
  log?: Logger;
}

/**
 * The producer side: accepted plans become BullMQ jobs, whose id is the plan's job id, in the queue of the
 * plan's site (one queue per site; see site-queues.ts).
 */
export class BullmqRollbackQueue implements RollbackQueue, CancellableQueue {
  private readonly queues = new Map<string, Queue<RollbackJobData>>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    options: BullmqRollbackQueueOptions = {},
  ) {
    this.log = options.log;
    for (const site of distinctSites([DEFAULT_SITE, ...(options.sites ?? [])])) this.of(site);
  }

  private readonly log: Logger | undefined;

  /** The default site's queue (the one queue of installations without sites). */
  get queue(): Queue<RollbackJobData> {
    return this.of(DEFAULT_SITE);
  }

  /** The queue of one site, opened on first use. */
  of(site: string): Queue<RollbackJobData> {
    let queue = this.queues.get(site);
    if (!queue) {
      queue = new Queue<RollbackJobData>(rollbackQueueName(site), {
        connection: this.connection,
        prefix: `${this.prefix}:bull`,
      });
      queue.on('error', (error) => this.log?.warn({ err: error, site }, 'rollback queue: Redis error'));
      this.queues.set(site, queue);
    }
    return queue;
  }

  /** The sites whose queues are open. */
  sites(): string[] {
    return [...this.queues.keys()];
  }

  async enqueue(plan: RollbackPlan): Promise<void> {
    await this.of(siteOf(plan)).add(
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
   * (lock expired, not yet recovered) is removed too, so it never resumes. Looks in every open site queue.
   */
  async removeUnlessRunning(jobId: string): Promise<QueueRemoval> {
    for (const queue of this.queues.values()) {
      const state = await queue.getJobState(jobId);
      if (state === 'unknown') continue;
      if (state === 'completed' || state === 'failed') return 'finished';
      return (await queue.remove(jobId)) === 1 ? 'removed' : 'running';
    }
    return 'absent';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
