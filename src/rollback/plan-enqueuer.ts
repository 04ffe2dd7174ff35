import type { ServiceConfig } from '../config/service-schema.js';
import type { Logger } from '../observability/logger.js';
import { InputError } from '../errors/rollback-error.js';
import type { ApprovalService } from './approval-service.js';
import type { RollbackPlan } from './plan.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from './ports/rollback-queue.js';
import type { SitePresence } from './ports/site-workers.js';
import type { ApprovalState } from './progress-snapshot.js';
import { queueUnavailable } from './queue-unavailable.js';
import type { RequestAudit } from './request-audit.js';
import { retryWhileStoreStalls } from './retry-while-store-stalls.js';
import { rollbackInProgressError } from './rollback-in-progress-error.js';
import { initialSnapshot } from './snapshot-tracker.js';
import { checkSiteWorkers, type WorkerWait } from './worker-wait.js';

export interface PlanEnqueuerOptions {
  queue: RollbackQueue;
  locks: ServiceLocks;
  index: RollbackIndex;
  progress: ProgressStore;
  /** Plans of services with `approval.required` > 0 wait here (absent: approvals cannot be honoured). */
  approvals: ApprovalService | undefined;
  /** The live workers of each site (absent: no check). */
  workers: SitePresence | undefined;
  audit: RequestAudit;
  now: () => Date;
  /** Where a write sent again while Redis stalls is logged (absent: not logged). */
  log?: Logger;
}

/**
 * Hands a resolved plan on: takes its service's lock, records it and either enqueues it or opens its
 * approval. When Redis fails half-way, the lock is released and nothing is left behind.
 *
 * Each of these writes may be sent again (the lock is the job's own when it already holds it, the record
 * and first snapshot are overwritten alike, the queue adds a job id once), so a command timed out by a
 * Redis or a bot process stalled a few seconds on a loaded machine is sent again
 * ({@link retryWhileStoreStalls}) instead of refusing the rollback; only a Redis that stays silent is.
 */
export class PlanEnqueuer {
  constructor(private readonly options: PlanEnqueuerOptions) {}

  /** One idempotent write of `plan`'s, sent again while Redis does not answer. */
  private patiently<T>(plan: RollbackPlan, what: string, write: () => Promise<T>): Promise<T> {
    return retryWhileStoreStalls(write, {
      onRetry: (cause, attempt) =>
        this.options.log?.warn(
          { err: cause, jobId: plan.jobId, attempt },
          `Redis did not answer while queuing a rollback (${what}); sending it again`,
        ),
    });
  }

  /** Takes the lock for an already resolved plan and enqueues it. */
  async enqueue(plan: RollbackPlan): Promise<RollbackPlan> {
    const { index, progress, queue, locks } = this.options;
    const waiting = await this.workerWait(plan);
    await this.acquireLock(plan);
    try {
      await this.patiently(plan, 'record', () => index.record(plan));
      const first = { ...initialSnapshot(plan), ...(waiting ? { waitingForWorker: waiting } : {}) };
      await this.patiently(plan, 'first status', () => progress.publish(first));
      await this.patiently(plan, 'enqueue', () => queue.enqueue(plan));
    } catch (error) {
      await locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw queueUnavailable(error, 'The rollback could not be queued; nothing was changed.');
    }
    const { requester } = plan.request;
    await this.patiently(plan, 'audit', () =>
      this.options.audit.append('enqueued', requester, plan.service, plan.jobId, `to ${plan.to}`),
    );
    return plan;
  }

  /** Takes the lock, records the plan and waits for approvals; nothing is enqueued yet. */
  async awaitApproval(plan: RollbackPlan, service: ServiceConfig): Promise<ApprovalState> {
    const approvals = this.options.approvals;
    if (!approvals) {
      throw new InputError(
        'approvals_unavailable',
        `${service.name} needs approvals, and this surface cannot collect them.`,
        {
          hint: 'Request it from Slack, where approvers get Approve and Cancel buttons.',
        },
      );
    }
    await this.acquireLock(plan);
    try {
      await this.patiently(plan, 'record', () => this.options.index.record(plan));
      return await approvals.open(plan, service);
    } catch (error) {
      await this.options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw queueUnavailable(error, 'The rollback could not be accepted; nothing was changed.');
    }
  }

  /** What keeps the plan from running in its site (none: undefined); refuses a strategy no live worker runs. */
  workerWait(plan: RollbackPlan): Promise<WorkerWait | undefined> {
    const presence = this.options.workers;
    return presence ? checkSiteWorkers(presence, plan, this.options.now()) : Promise.resolve(undefined);
  }

  /** The service's lock; a Redis that does not answer becomes a plain, retryable message. */
  private async acquireLock(plan: RollbackPlan): Promise<void> {
    const { locks } = this.options;
    const lock = await this.patiently(plan, 'lock', () => locks.acquire(plan.service, plan.jobId)).catch(
      (error: unknown) => {
        throw queueUnavailable(error, 'The rollback could not be accepted; nothing was changed.');
      },
    );
    if (!lock.acquired) {
      throw await rollbackInProgressError(this.options.progress, plan.service, lock.holderJobId);
    }
  }
}
