import type { ServiceConfig } from '../config/service-schema.js';
import type { ApprovalService } from './approval-service.js';
import { InputError, RetryableError } from '../errors/rollback-error.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import { PermissionDeniedError } from './policy/permission-denied-error.js';
import type { PermissionPolicy } from './policy/permission-policy.js';
import type { AuditEntry, AuditLog } from './ports/audit-log.js';
import type { EvidenceRecorder } from './ports/evidence-recorder.js';
import type { RolledBackMark, RolledBackMarks } from './ports/rolled-back-marks.js';
import type { GitopsHold } from './ports/gitops-holds.js';
import type { GitopsKeeper, RestoreOutcome } from './gitops/gitops-keeper.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from './ports/rollback-queue.js';
import type { ApprovalState, ProgressSnapshot, Requester } from './progress-snapshot.js';
import { newJobId } from './new-job-id.js';
import { RollbackPlanner } from './rollback-planner.js';
import { Runbooks } from './runbooks.js';
import type { ServiceCatalog } from './service-catalog.js';
import { initialSnapshot } from './snapshot-tracker.js';
import type { Strategy } from './strategy.js';
import type { SitePresence } from './ports/site-workers.js';
import { checkRemedyOffered, REMEDY_LABELS } from './remedy-offer.js';
import { checkSiteWorkers, type WorkerWait } from './worker-wait.js';
import type { CommandRunner } from './ports/command-runner.js';
import { ServiceVersions, type VersionListing } from './versions/service-versions.js';

export interface RollbackServiceOptions {
  catalog: ServiceCatalog;
  strategies: ReadonlyMap<string, Strategy>;
  queue: RollbackQueue;
  locks: ServiceLocks;
  index: RollbackIndex;
  progress: ProgressStore;
  /** Who may request (absent: anyone). */
  policy?: PermissionPolicy;
  /** Plans of services with `approval.required` > 0 wait here (absent: approvals cannot be honoured). */
  approvals?: ApprovalService;
  audit?: AuditLog;
  marks?: RolledBackMarks;
  /** CD systems held while a rollback stands: shown in the service's state, restored on release. */
  gitops?: GitopsKeeper;
  /**
   * The live workers of each site (heartbeats). Absent: no check. Present: a plan whose site's live
   * workers all lack its strategy is refused; one whose site has no live worker is queued and its status
   * says it waits for one.
   */
  workers?: SitePresence;
  /** Present: plans of services that record evidence list the capture steps. */
  evidence?: EvidenceRecorder;
  /** Runs `git ls-remote` for `versions.git` (the web process's own host); absent: git tags not listed. */
  gitRunner?: CommandRunner;
  now?: () => Date;
}

export type SubmitResult =
  | { kind: 'dry_run'; plan: RollbackPlan }
  | { kind: 'enqueued'; plan: RollbackPlan }
  | { kind: 'awaiting_approval'; plan: RollbackPlan; approval: ApprovalState };

/** Where a service stands, for `/rollback status <service>` and `GET /api/services/<service>`. */
export interface ServiceState {
  service: ServiceConfig;
  rolledBack: RolledBackMark | undefined;
  /** The rollback holding the service's lock (awaiting approval, queued or running). */
  active: ProgressSnapshot | undefined;
  /** The CD system the bot holds ("GitOps paused") until release. */
  gitopsHold?: GitopsHold;
}

/** What a release did: the mark it cleared and, when a CD system was held, whether it was restored. */
export type ReleasedMark = RolledBackMark & { gitops?: RestoreOutcome };

/**
 * The application service every surface (Slack, console, CLI, PagerDuty) calls: it validates a request
 * against the catalog, resolves it into a concrete plan, takes the service's lock and enqueues.
 */
export class RollbackService {
  private readonly now: () => Date;

  private readonly planner: RollbackPlanner;

  private readonly versionSources: ServiceVersions;

  constructor(private readonly options: RollbackServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.versionSources = new ServiceVersions({
      index: options.index,
      ...(options.audit ? { audit: options.audit } : {}),
      ...(options.gitRunner ? { gitRunner: options.gitRunner } : {}),
    });
    this.planner = new RollbackPlanner({
      catalog: options.catalog,
      runbooks: new Runbooks(options.strategies, options.evidence),
      now: this.now,
      versions: this.versionSources,
    });
  }

  /** The catalog entry, or an InputError with a "did you mean". */
  service(name: string): ServiceConfig {
    return this.options.catalog.require(name);
  }

  /** Whether a word names a service of the catalog (`/rollback status kaizen`). */
  isService(name: string): boolean {
    return this.options.catalog.get(name) !== undefined;
  }

  strategyFor(service: ServiceConfig, requested?: string): Strategy {
    return this.planner.strategyFor(service, requested);
  }

  /** Resolves a request into a plan without side effects. */
  plan(request: RollbackRequest, signal?: AbortSignal): Promise<RollbackPlan> {
    return this.planner.plan(request, signal);
  }

  /**
   * Checks permissions, plans and, unless it is a dry run, takes the service's lock and either enqueues
   * the job or, when the service needs approvals (and this is not a CLI break-glass), waits for them.
   */
  async submit(received: RollbackRequest, signal?: AbortSignal): Promise<SubmitResult> {
    const service = this.options.catalog.require(received.service);
    const request = { ...received, jobId: received.jobId ?? newJobId(service.name, this.now()) };
    const requester = request.requester;
    const target = request.remedy
      ? `${REMEDY_LABELS[request.remedy.kind]} after ${request.remedy.fromJob}`
      : (request.version ??
        (request.toRevision === undefined ? 'previous' : `revision ${request.toRevision}`));
    const where =
      request.channel === undefined
        ? ''
        : ` in ${request.channelName ? `#${request.channelName}` : request.channel}`;
    await this.audit(
      'requested',
      requester,
      service.name,
      request.jobId,
      `to ${target}${request.dryRun ? ' (dry run)' : ''}${where}${request.reason ? `; reason: ${request.reason}` : ''}`,
    );
    await this.authorize(service, requester, request, signal, request.jobId);
    if (request.remedy) await checkRemedyOffered(this.options.progress, service.name, request.remedy);
    if (request.breakGlass) {
      if (requester.source !== 'cli') {
        throw new InputError('break_glass_not_allowed', '`--break-glass` is only accepted from the CLI.');
      }
      if (!request.reason) {
        throw new InputError('break_glass_needs_reason', '`--break-glass` needs a reason.', {
          hint: 'Say why approvals are skipped: --break-glass --reason "Slack is down, error rate 40%".',
        });
      }
    }
    const plan = await this.plan(request, signal);
    if (request.dryRun) return { kind: 'dry_run', plan };
    if (plan.exceptions?.length) {
      const marks = (plan.warnings ?? []).filter((w) => /^(FORWARD|UNLISTED):/.test(w));
      await this.audit('target_exception', requester, service.name, plan.jobId, marks.join('; '));
    }
    await this.workerWait(plan);
    if (request.breakGlass) {
      await this.audit(
        'break_glass',
        requester,
        service.name,
        plan.jobId,
        `approvals skipped; reason: ${request.reason ?? ''}`,
      );
    } else if (service.approval.required > 0) {
      return { kind: 'awaiting_approval', plan, approval: await this.awaitApproval(plan, service) };
    }
    return { kind: 'enqueued', plan: await this.enqueuePlan(plan) };
  }

  /** Where a service stands: its rolled-back mark and the rollback holding its lock. */
  async serviceState(name: string): Promise<ServiceState> {
    const service = this.options.catalog.require(name);
    const [rolledBack, holder] = await Promise.all([
      this.options.marks?.get(service.name),
      this.options.locks.holder(service.name),
    ]);
    const active = holder === undefined ? undefined : await this.options.progress.get(holder);
    const gitopsHold = await this.options.gitops?.get(service.name);
    return { service, rolledBack, active, ...(gitopsHold ? { gitopsHold } : {}) };
  }

  /** `/rollback release <svc> --reason`: clears the rolled-back mark (anyone who may request may release). */
  async release(
    name: string,
    reason: string,
    requester: Requester,
    channel: { id?: string; name?: string } = {},
  ): Promise<ReleasedMark> {
    const service = this.options.catalog.require(name);
    await this.authorize(service, requester, {
      ...(channel.id ? { channel: channel.id } : {}),
      ...(channel.name ? { channelName: channel.name } : {}),
    });
    const mark = await this.options.marks?.release(service.name);
    if (!mark) {
      throw new InputError(
        'not_rolled_back',
        `${service.name} is not marked rolled back; there is nothing to release.`,
        { hint: 'Its status shows where it stands.', next: [suggestCommand('status', service.name)] },
      );
    }
    const at = this.now().toISOString();
    const gitops = await this.options.gitops?.restore(service.name);
    await this.audit(
      'released',
      requester,
      service.name,
      mark.jobId,
      `reason: ${reason}${gitops ? `; ${gitops.message}` : ''}`,
    );
    const snapshot = await this.options.progress.get(mark.jobId);
    if (snapshot) {
      await this.options.progress.publish({
        ...snapshot,
        version: snapshot.version + 1,
        released: { by: { id: requester.id, name: requester.name }, at, reason },
      });
    }
    return gitops ? { ...mark, gitops } : mark;
  }

  /** Takes the lock, records the plan and waits for approvals; nothing is enqueued yet. */
  private async awaitApproval(plan: RollbackPlan, service: ServiceConfig): Promise<ApprovalState> {
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
      await this.options.index.record(plan);
      return await approvals.open(plan, service);
    } catch (error) {
      await this.options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw queueUnavailable(error, 'The rollback could not be accepted; nothing was changed.');
    }
  }

  private async authorize(
    service: ServiceConfig,
    requester: Requester,
    where: Pick<RollbackRequest, 'channel' | 'channelName'>,
    signal?: AbortSignal,
    jobId?: string,
  ): Promise<void> {
    if (!this.options.policy) return;
    const channel = {
      ...(where.channel ? { id: where.channel } : {}),
      ...(where.channelName ? { name: where.channelName } : {}),
    };
    const decision = await this.options.policy.mayRequest(service, requester, channel, signal);
    if (decision.allowed) return;
    await this.audit('denied', requester, service.name, jobId, `${decision.rule}: ${decision.message}`);
    throw new PermissionDeniedError(decision);
  }

  private async audit(
    type: AuditEntry['type'],
    actor: Requester,
    service: string,
    jobId: string | undefined,
    detail: string,
  ): Promise<void> {
    await this.options.audit
      ?.append({
        type,
        actor: { id: actor.id, name: actor.name, source: actor.source },
        service,
        ...(jobId === undefined ? {} : { jobId }),
        detail,
      })
      .catch((error: unknown) => {
        // Nothing happens without a record of it.
        throw queueUnavailable(
          error,
          'The request could not be recorded in the audit log; nothing was changed.',
        );
      });
  }

  /** The service's lock; a Redis that does not answer becomes a plain, retryable message. */
  private async acquireLock(plan: RollbackPlan) {
    const lock = await this.options.locks.acquire(plan.service, plan.jobId).catch((error: unknown) => {
      throw queueUnavailable(error, 'The rollback could not be accepted; nothing was changed.');
    });
    if (!lock.acquired) throw await this.inProgressError(plan.service, lock.holderJobId);
  }

  /**
   * Who may cancel a rollback ({@link PermissionPolicy.mayCancel}): its requester, an approver, and with a
   * `permissions:` section anyone allowed to request here. Anyone else is refused, with the rule, and the
   * refusal is audited.
   */
  async authorizeCancel(
    snapshot: ProgressSnapshot,
    actor: Requester,
    where: Pick<RollbackRequest, 'channel' | 'channelName'> = {},
  ): Promise<void> {
    const policy = this.options.policy;
    if (!policy || actor.id === snapshot.requester.id) return;
    const service = this.options.catalog.get(snapshot.service);
    if (!service) return;
    const channel = {
      ...(where.channel ? { id: where.channel } : {}),
      ...(where.channelName ? { name: where.channelName } : {}),
    };
    const decision = await policy.mayCancel(service, actor, snapshot.requester.id, channel);
    if (decision.allowed) return;
    await this.audit(
      'denied',
      actor,
      service.name,
      snapshot.jobId,
      `${decision.rule}: may not cancel ${snapshot.jobId}`,
    );
    throw new PermissionDeniedError(decision);
  }

  /** Takes the lock for an already resolved plan and enqueues it. */
  async enqueuePlan(plan: RollbackPlan): Promise<RollbackPlan> {
    const waiting = await this.workerWait(plan);
    await this.acquireLock(plan);
    try {
      await this.options.index.record(plan);
      await this.options.progress.publish({
        ...initialSnapshot(plan),
        ...(waiting ? { waitingForWorker: waiting } : {}),
      });
      await this.options.queue.enqueue(plan);
    } catch (error) {
      await this.options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw queueUnavailable(error, 'The rollback could not be queued; nothing was changed.');
    }
    await this.audit('enqueued', plan.request.requester, plan.service, plan.jobId, `to ${plan.to}`);
    return plan;
  }

  /** What keeps the plan from running in its site (none: undefined); refuses a strategy no live worker runs. */
  private workerWait(plan: RollbackPlan): Promise<WorkerWait | undefined> {
    const presence = this.options.workers;
    return presence ? checkSiteWorkers(presence, plan, this.now()) : Promise.resolve(undefined);
  }

  /** Every version the service's sources know, the last known good one marked (see ServiceVersions). */
  async versions(
    serviceName: string,
    signal?: AbortSignal,
  ): Promise<{ service: ServiceConfig } & VersionListing> {
    const service = this.options.catalog.require(serviceName);
    return { service, ...(await this.versionSources.list(service, this.strategyFor(service), signal)) };
  }

  async status(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.options.progress.get(jobId);
  }

  async recent(limit = 5, service?: string): Promise<ProgressSnapshot[]> {
    const ids = service
      ? await this.options.index.forService(service, limit)
      : await this.options.index.recent(limit);
    const snapshots = await Promise.all(ids.map((id) => this.options.progress.get(id)));
    return snapshots.filter((s): s is ProgressSnapshot => s !== undefined);
  }

  private async inProgressError(service: string, holderJobId: string): Promise<InputError> {
    const running = await this.options.progress.get(holderJobId);
    const who = running ? ` by ${running.requester.name}` : '';
    const target = running
      ? ` to ${running.to} (${running.state === 'awaiting_approval' ? 'waiting for approval' : running.state})`
      : '';
    return new InputError(
      'rollback_in_progress',
      `A rollback of ${service} is already in progress${who}${target}: job ${holderJobId}.`,
      {
        hint: 'Wait for it to end (its status shows where it stands), or cancel it before starting another.',
        next: [suggestCommand('status', holderJobId), suggestCommand('cancel', holderJobId)],
      },
    );
  }
}

/** Redis (queue, locks, audit) did not answer: a retryable error that says so and what to do. */
function queueUnavailable(cause: unknown, message: string): RetryableError {
  return new RetryableError('queue_unavailable', message, {
    cause,
    hint: 'The job queue (Redis) did not answer. Try again in a moment; if Slack is up but Redis is not, no surface can queue a rollback.',
  });
}
