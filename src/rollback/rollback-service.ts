import type { ServiceConfig } from '../config/service-schema.js';
import type { ApprovalService } from './approval-service.js';
import { checkBreakGlass } from './check-break-glass.js';
import { describeRequest } from './describe-request.js';
import type { GitopsKeeper } from './gitops/gitops-keeper.js';
import { newJobId } from './new-job-id.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import { PlanEnqueuer } from './plan-enqueuer.js';
import type { PermissionPolicy } from './policy/permission-policy.js';
import type { AuditLog } from './ports/audit-log.js';
import type { CommandRunner } from './ports/command-runner.js';
import type { EvidenceRecorder } from './ports/evidence-recorder.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RolledBackMarks } from './ports/rolled-back-marks.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from './ports/rollback-queue.js';
import type { SitePresence } from './ports/site-workers.js';
import type { ApprovalState, ProgressSnapshot, Requester } from './progress-snapshot.js';
import { releaseMark, type ReleasedMark } from './release-mark.js';
import { checkRemedyOffered } from './remedy-offer.js';
import { RequestAudit } from './request-audit.js';
import { RequestAuthorizer } from './request-authorizer.js';
import { RollbackPlanner } from './rollback-planner.js';
import { Runbooks } from './runbooks.js';
import type { ServiceCatalog } from './service-catalog.js';
import type { Logger } from '../observability/logger.js';
import { readServiceState, type ServiceState } from './service-state.js';
import type { Strategy } from './strategy.js';
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
  /** Where the service logs what it recovers from (a Redis write sent again); absent: nowhere. */
  log?: Logger;
}

export type SubmitResult =
  | { kind: 'dry_run'; plan: RollbackPlan }
  | { kind: 'enqueued'; plan: RollbackPlan }
  | { kind: 'awaiting_approval'; plan: RollbackPlan; approval: ApprovalState };

/**
 * The application service every surface (Slack, console, CLI, PagerDuty) calls: it validates a request
 * against the catalog, resolves it into a concrete plan, takes the service's lock and enqueues.
 */
export class RollbackService {
  private readonly now: () => Date;

  private readonly planner: RollbackPlanner;

  private readonly versionSources: ServiceVersions;

  private readonly audit: RequestAudit;

  private readonly authorizer: RequestAuthorizer;

  private readonly enqueuer: PlanEnqueuer;

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
    this.audit = new RequestAudit(options.audit);
    this.authorizer = new RequestAuthorizer({
      catalog: options.catalog,
      policy: options.policy,
      audit: this.audit,
    });
    this.enqueuer = new PlanEnqueuer({
      queue: options.queue,
      locks: options.locks,
      index: options.index,
      progress: options.progress,
      approvals: options.approvals,
      workers: options.workers,
      audit: this.audit,
      now: this.now,
      ...(options.log ? { log: options.log } : {}),
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
    await this.audit.append('requested', requester, service.name, request.jobId, describeRequest(request));
    await this.authorizer.authorize(service, requester, request, signal, request.jobId);
    if (request.remedy) await checkRemedyOffered(this.options.progress, service.name, request.remedy);
    checkBreakGlass(request);
    const plan = await this.plan(request, signal);
    if (request.dryRun) return { kind: 'dry_run', plan };
    if (plan.exceptions?.length) {
      const marks = (plan.warnings ?? []).filter((w) => /^(FORWARD|UNLISTED):/.test(w));
      await this.audit.append('target_exception', requester, service.name, plan.jobId, marks.join('; '));
    }
    await this.enqueuer.workerWait(plan);
    if (request.breakGlass) {
      await this.audit.append(
        'break_glass',
        requester,
        service.name,
        plan.jobId,
        `approvals skipped; reason: ${request.reason ?? ''}`,
      );
    } else if (service.approval.required > 0) {
      const approval = await this.enqueuer.awaitApproval(plan, service);
      return { kind: 'awaiting_approval', plan, approval };
    }
    return { kind: 'enqueued', plan: await this.enqueuer.enqueue(plan) };
  }

  /** Where a service stands: its rolled-back mark and the rollback holding its lock. */
  async serviceState(name: string): Promise<ServiceState> {
    return readServiceState(this.options, this.options.catalog.require(name));
  }

  /** `/rollback release <svc> --reason`: clears the rolled-back mark (anyone who may request may release). */
  async release(
    name: string,
    reason: string,
    requester: Requester,
    channel: { id?: string; name?: string } = {},
  ): Promise<ReleasedMark> {
    const service = this.options.catalog.require(name);
    await this.authorizer.authorize(service, requester, {
      ...(channel.id ? { channel: channel.id } : {}),
      ...(channel.name ? { channelName: channel.name } : {}),
    });
    const { marks, gitops, progress } = this.options;
    return releaseMark(
      { marks, gitops, progress, audit: this.audit, now: this.now },
      service,
      reason,
      requester,
    );
  }

  /**
   * Who may cancel a rollback ({@link PermissionPolicy.mayCancel}): its requester, an approver, and with a
   * `permissions:` section anyone allowed to request here. Anyone else is refused, with the rule, and the
   * refusal is audited.
   */
  authorizeCancel(
    snapshot: ProgressSnapshot,
    actor: Requester,
    where: Pick<RollbackRequest, 'channel' | 'channelName'> = {},
  ): Promise<void> {
    return this.authorizer.authorizeCancel(snapshot, actor, where);
  }

  /** Takes the lock for an already resolved plan and enqueues it. */
  enqueuePlan(plan: RollbackPlan): Promise<RollbackPlan> {
    return this.enqueuer.enqueue(plan);
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
}
