import type { ServiceConfig } from '../config/service-schema.js';
import { InputError, RetryableError } from '../errors/rollback-error.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { RollbackPlan } from './plan.js';
import type { PermissionPolicy } from './policy/permission-policy.js';
import { PermissionDeniedError } from './policy/permission-denied-error.js';
import type { ApprovalExpiry } from './ports/approval-expiry.js';
import type { ApprovalRecord, ApprovalStore } from './ports/approval-store.js';
import type { AuditEntry, AuditLog } from './ports/audit-log.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from './ports/rollback-queue.js';
import type { ApprovalState, ProgressSnapshot, Requester } from './progress-snapshot.js';
import type { ServiceCatalog } from './service-catalog.js';
import { failSnapshot, initialSnapshot } from './snapshot-tracker.js';

type Actor = Pick<Requester, 'id' | 'name' | 'source'>;

/** Who the audit log names for expiries: nobody clicked, the timer ran out. */
const TIMER: Actor = { id: 'approval-timer', name: 'approval timer', source: 'http' };

export interface ApprovalServiceOptions {
  catalog: ServiceCatalog;
  store: ApprovalStore;
  policy: PermissionPolicy;
  progress: ProgressStore;
  index: RollbackIndex;
  locks: ServiceLocks;
  queue: RollbackQueue;
  expiry?: ApprovalExpiry;
  audit?: AuditLog;
  now?: () => Date;
}

/** The neutral answer to a click: what happened, in a sentence for the person who clicked. */
export interface ApprovalAnswer {
  message: string;
  approval?: ApprovalState;
}

/**
 * The two-person rule. A plan that needs approvals is accepted (its service's lock is held) and waits; the
 * last approval needed enqueues it, exactly once; a cancelled or expired plan releases the lock and can
 * never be approved later. Every change goes through one atomic operation of the {@link ApprovalStore}.
 */
export class ApprovalService {
  private readonly now: () => Date;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts waiting for approvals of an accepted plan (the caller holds the service's lock). */
  async open(plan: RollbackPlan, service: ServiceConfig): Promise<ApprovalState> {
    const expiresAt = new Date(this.now().getTime() + service.approval.expiresAfter * 1000);
    const record = await this.options.store.open({
      jobId: plan.jobId,
      service: plan.service,
      requesterId: plan.request.requester.id,
      required: service.approval.required,
      expiresAt: expiresAt.toISOString(),
    });
    const approval = toState(record);
    await this.options.progress.publish({ ...initialSnapshot(plan, 'awaiting_approval'), approval });
    await this.options.expiry?.schedule(plan.jobId, expiresAt);
    return approval;
  }

  async approve(jobId: string, actor: Actor): Promise<ApprovalAnswer> {
    const plan = await this.requirePlan(jobId);
    const service = this.options.catalog.require(plan.service);
    if (actor.id === plan.request.requester.id) {
      await this.audit('denied', actor, plan, 'approval: the requester cannot approve their own rollback');
      throw selfApproval();
    }
    const decision = await this.options.policy.mayApprove(service, actor);
    if (!decision.allowed) {
      await this.audit('denied', actor, plan, `${decision.rule}: ${decision.message}`);
      throw new PermissionDeniedError(decision);
    }
    const { outcome, record } = await this.options.store.approve(jobId, actor, this.now());
    if (!record) throw unknownPlan(jobId);
    switch (outcome) {
      case 'missing':
        throw unknownPlan(jobId);
      case 'self':
        throw selfApproval();
      case 'duplicate':
        return {
          message: 'You already approved this rollback; an approval counts once.',
          approval: toState(record),
        };
      case 'not_pending':
        throw notPending(record);
      case 'expired':
        await this.close(plan, record, TIMER);
        throw notPending(record);
      case 'recorded': {
        await this.audit('approved', actor, plan, `${record.approvals.length}/${record.required}`);
        await this.publish(plan, record, (s) => s);
        const missing = record.required - record.approvals.length;
        return {
          message: `Approved (${record.approvals.length}/${record.required}): ${missing} more approval${missing === 1 ? '' : 's'} needed.`,
          approval: toState(record),
        };
      }
      case 'approved':
        await this.audit(
          'approved',
          actor,
          plan,
          `${record.approvals.length}/${record.required}: approvals complete`,
        );
        await this.enqueue(plan, record);
        return {
          message: `Approved: the rollback of ${plan.service} is queued and starts now.`,
          approval: toState(record),
        };
    }
  }

  /**
   * Withdraws a plan that is waiting for approvals: the requester or an approver may (without a
   * `permissions:` section, only an approver listed by name: an empty list lets anyone approve, not cancel).
   */
  async cancel(jobId: string, actor: Actor): Promise<ApprovalAnswer> {
    const plan = await this.requirePlan(jobId);
    const service = this.options.catalog.require(plan.service);
    if (actor.id !== plan.request.requester.id) {
      const { policy } = this.options;
      const decision = service.permissions
        ? await policy.mayApprove(service, actor)
        : await policy.mayCancel(service, actor, plan.request.requester.id);
      if (!decision.allowed) {
        await this.audit('denied', actor, plan, `${decision.rule}: may not cancel a plan awaiting approval`);
        throw new PermissionDeniedError({
          ...decision,
          message: 'Only the requester or an approver can cancel this plan.',
        });
      }
    }
    const { outcome, record } = await this.options.store.cancel(jobId);
    if (outcome === 'missing' || !record) throw unknownPlan(jobId);
    if (outcome !== 'cancelled') throw notPending(record);
    await this.close(plan, record, actor);
    return {
      message: `Cancelled: the rollback of ${plan.service} will not run; nothing was changed.`,
      approval: toState(record),
    };
  }

  /** Run by the expiry timer. Throws RetryableError when it ran early, so the timer tries again. */
  async expire(jobId: string): Promise<void> {
    const { outcome, record } = await this.options.store.expire(jobId, this.now());
    if (outcome === 'not_due')
      throw new RetryableError('not_due', `approval of ${jobId} has not expired yet`);
    if (outcome !== 'expired' || !record) return;
    const plan = await this.options.index.plan(jobId);
    if (plan) await this.close(plan, record, TIMER);
  }

  /** Whether the job is a plan still waiting for approvals (the Cancel button uses it). */
  async isPending(jobId: string): Promise<boolean> {
    return (await this.options.store.get(jobId))?.state === 'pending';
  }

  private async enqueue(plan: RollbackPlan, record: ApprovalRecord): Promise<void> {
    await this.publish(plan, record, (s) => ({ ...s, state: 'queued' }));
    try {
      await this.options.queue.enqueue(plan);
    } catch (error) {
      await failSnapshot(this.options.progress, plan, {
        code: 'queue_unavailable',
        message: 'the job queue did not answer after the approval',
      }).catch(() => undefined);
      await this.options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw new RetryableError(
        'queue_unavailable',
        'The rollback was approved but could not be queued; nothing was changed.',
        {
          cause: error,
          hint: 'The job queue (Redis) did not answer. Request the rollback again.',
        },
      );
    }
    await this.audit(
      'enqueued',
      plan.request.requester,
      plan,
      `to ${plan.to} after ${record.approvals.length} approval(s)`,
    );
  }

  /** Ends a plan that will never run (cancelled or expired): status message, lock, audit. */
  private async close(plan: RollbackPlan, record: ApprovalRecord, actor: Actor): Promise<void> {
    const at = this.now().toISOString();
    const expired = record.state === 'expired';
    await this.publish(plan, record, (s) => ({
      ...s,
      state: 'cancelled',
      endedAt: at,
      steps: s.steps.map((step) => (step.state === 'pending' ? { ...step, state: 'skipped' } : step)),
      ...(expired ? {} : { cancelRequested: { by: { id: actor.id, name: actor.name }, at } }),
      outcome: {
        summary: expired
          ? `Not approved in time: the plan expired at ${record.expiresAt} and nothing was changed. Request the rollback again if it is still needed.`
          : `Cancelled by ${actor.name} before it was approved; nothing was changed.`,
      },
    }));
    await this.options.locks.release(plan.service, plan.jobId);
    if (expired)
      await this.audit(
        'approval_expired',
        TIMER,
        plan,
        `${record.approvals.length}/${record.required} approvals`,
      );
    else await this.audit('cancelled', actor, plan, 'withdrawn before approval');
  }

  /** Publishes the plan's snapshot at version 1 + rev: the latest change of the approval always wins. */
  private async publish(
    plan: RollbackPlan,
    record: ApprovalRecord,
    change: (s: ProgressSnapshot) => ProgressSnapshot,
  ): Promise<void> {
    const current =
      (await this.options.progress.get(plan.jobId)) ?? initialSnapshot(plan, 'awaiting_approval');
    const next = change({ ...structuredClone(current), approval: toState(record) });
    await this.options.progress.publish({ ...next, version: 1 + record.rev });
  }

  private async requirePlan(jobId: string): Promise<RollbackPlan> {
    const plan = await this.options.index.plan(jobId);
    if (!plan) throw unknownPlan(jobId);
    return plan;
  }

  private async audit(
    type: AuditEntry['type'],
    actor: Actor,
    plan: RollbackPlan,
    detail: string,
  ): Promise<void> {
    await this.options.audit?.append({
      type,
      actor: { id: actor.id, name: actor.name, source: actor.source },
      service: plan.service,
      jobId: plan.jobId,
      detail,
    });
  }
}

function toState(record: ApprovalRecord): ApprovalState {
  return {
    required: record.required,
    approvals: record.approvals,
    expiresAt: record.expiresAt,
    state: record.state,
  };
}

function selfApproval(): InputError {
  return new InputError('self_approval', 'You requested this rollback, so you cannot approve it.', {
    hint: 'Two-person rule: ask another approver to approve it.',
  });
}

function unknownPlan(jobId: string): InputError {
  return new InputError('unknown_job', `No rollback plan with id "${jobId}".`, {
    hint: 'The recent rollbacks show their job ids.',
    next: [suggestCommand('status')],
  });
}

function notPending(record: ApprovalRecord): InputError {
  const why = {
    approved: 'it was already approved and is running',
    expired: `it expired at ${record.expiresAt}`,
    cancelled: 'it was cancelled',
    pending: 'it is still pending',
  }[record.state];
  return new InputError('not_awaiting_approval', `This rollback is no longer waiting for approval: ${why}.`, {
    hint:
      record.state === 'approved'
        ? 'Follow it in the status message.'
        : 'Request the rollback again if it is still needed.',
  });
}
