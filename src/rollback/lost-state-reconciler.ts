import type { Logger } from '../observability/logger.js';
import type { AuditLog } from './ports/audit-log.js';
import type { RollbackIndex, ServiceLocks } from './ports/rollback-queue.js';
import { WORKER_ACTOR } from './rollback-ending.js';
import type { RunningRollback, RunningRollbacks } from './running-rollbacks.js';

/** What the store lost, as the worker tells it: when it noticed, and how (for the messages). */
export interface StateLoss {
  at: Date;
  /** "Redis restarted without persistence", "Redis was flushed or evicted the keys", ... */
  how: string;
}

export interface LostStateReconcilerOptions {
  running: RunningRollbacks;
  locks: ServiceLocks;
  index: Pick<RollbackIndex, 'record'>;
  audit?: AuditLog;
  log: Logger;
}

/** What the reconciliation did for one running rollback. */
export interface Reconciled {
  jobId: string;
  /** The service's lock is this job's again; false when another rollback took it meanwhile. */
  locked: boolean;
  holder?: string;
}

/**
 * Puts back what the store lost of the rollbacks this worker runs, from what the worker holds in memory:
 * the plan (so status, history and the status message's channel find it), the service's lock (so no
 * second rollback of the service starts beside it), and the snapshot, published again with a warning
 * that says what was lost (earlier audit entries, rolled-back marks of earlier rollbacks, queued and
 * approval-waiting requests). The status message is then drawn again, in place. An audit entry
 * (`state_lost`) records the loss for each job. The rollback itself goes on where it was.
 */
export class LostStateReconciler {
  constructor(private readonly options: LostStateReconcilerOptions) {}

  async reconcile(loss: StateLoss): Promise<Reconciled[]> {
    const done: Reconciled[] = [];
    for (const job of this.options.running.all()) {
      try {
        done.push(await this.reconcileOne(job, loss));
      } catch (error) {
        this.options.log.error(
          { err: error, jobId: job.plan.jobId },
          'could not put a running rollback back after Redis lost its data',
        );
      }
    }
    return done;
  }

  private async reconcileOne({ plan, tracker }: RunningRollback, loss: StateLoss): Promise<Reconciled> {
    const { locks, index, audit, log } = this.options;
    await index.record(plan);
    const lock = await locks.acquire(plan.service, plan.jobId);
    const holder = lock.acquired ? undefined : lock.holderJobId;
    const locked = holder === undefined || holder === plan.jobId;
    const warning = lossWarning(loss, locked ? undefined : holder);
    const at = loss.at.toISOString();
    await tracker.update((s) => {
      s.warnings = [...(s.warnings ?? []).filter((w) => !w.startsWith(WARNING_START)), warning];
      const stepId = s.steps.find((x) => x.state === 'running')?.id ?? s.steps.at(-1)?.id;
      if (stepId) s.details.push({ stepId, at, text: warning });
    });
    await audit
      ?.append({
        type: 'state_lost',
        actor: WORKER_ACTOR,
        service: plan.service,
        jobId: plan.jobId,
        detail: `${loss.how} at ${at}; audit entries of this job before then are gone; the worker put back its plan, lock and status`,
      })
      .catch((error: unknown) => log.warn({ err: error, jobId: plan.jobId }, 'could not audit the loss'));
    log.error(
      { jobId: plan.jobId, service: plan.service, locked, holder },
      locked
        ? 'put back a running rollback after Redis lost its data (plan, lock, status)'
        : `after Redis lost its data, rollback ${holder ?? ''} took ${plan.service}'s lock beside this running one`,
    );
    return { jobId: plan.jobId, locked, ...(holder === undefined ? {} : { holder }) };
  }
}

const WARNING_START = 'Redis lost the bot’s data';

/** The status message's warning: what happened, what the worker put back, what is gone for good. */
export function lossWarning(loss: StateLoss, otherHolder?: string): string {
  const time = `${loss.at.toISOString().slice(11, 19)} UTC`;
  const clash = otherHolder
    ? ` Rollback ${otherHolder} of the same service started meanwhile: check the service by hand.`
    : '';
  return (
    `${WARNING_START} at ${time} (${loss.how}). This rollback goes on from the worker’s memory and its status ` +
    'and lock were put back; audit entries before then, rolled-back marks of earlier rollbacks and queued ' +
    `or approval-waiting requests are gone (request those again).${clash}`
  );
}
