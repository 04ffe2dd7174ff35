import type { ServiceConfig } from '../config/service-schema.js';
import { InputError, RetryableError } from './errors.js';
import { newJobId } from './new-job-id.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from './ports/rollback-queue.js';
import type { ProgressSnapshot } from './progress-snapshot.js';
import type { ServiceCatalog } from './service-catalog.js';
import { initialSnapshot } from './snapshot-tracker.js';
import type { Strategy, VersionEntry } from './strategy.js';

export interface RollbackServiceOptions {
  catalog: ServiceCatalog;
  strategies: ReadonlyMap<string, Strategy>;
  queue: RollbackQueue;
  locks: ServiceLocks;
  index: RollbackIndex;
  progress: ProgressStore;
  now?: () => Date;
}

export type SubmitResult = { kind: 'dry_run'; plan: RollbackPlan } | { kind: 'enqueued'; plan: RollbackPlan };

/**
 * The application service every surface (Slack, console, CLI, PagerDuty) calls: it validates a request
 * against the catalog, resolves it into a concrete plan, takes the service's lock and enqueues.
 */
export class RollbackService {
  private readonly now: () => Date;

  constructor(private readonly options: RollbackServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The catalog entry, or an InputError with a "did you mean". */
  service(name: string): ServiceConfig {
    return this.options.catalog.require(name);
  }

  strategyFor(service: ServiceConfig, requested?: string): Strategy {
    const name = requested ?? service.strategy;
    const strategy = this.options.strategies.get(name);
    const configured = [...this.options.strategies.values()].filter((s) => s.supports(service)).map((s) => s.name);
    if (!strategy || !strategy.supports(service)) {
      throw new InputError('unsupported_strategy', `Service "${service.name}" cannot be rolled back with strategy "${name}".`, {
        hint: configured.length ? `Strategies configured for ${service.name}: ${configured.join(', ')}.` : undefined,
      });
    }
    return strategy;
  }

  /** Resolves a request into a plan without side effects. */
  async plan(request: RollbackRequest, signal?: AbortSignal): Promise<RollbackPlan> {
    const service = this.options.catalog.require(request.service);
    const strategy = this.strategyFor(service, request.strategy);
    const resolved = await strategy.resolve(service, request, signal ? { signal } : {});
    const jobId = newJobId(service.name, this.now());
    return {
      jobId,
      request,
      service: service.name,
      environment: service.environment,
      strategy: strategy.name,
      from: resolved.from,
      to: resolved.to,
      target: resolved.target,
      steps: strategy.steps(service, resolved.target).map((s) => ({ id: s.id, title: s.title })),
      actions: resolved.actions,
      createdAt: this.now().toISOString(),
    };
  }

  /** Plans and, unless it is a dry run, takes the service's lock and enqueues the job. */
  async submit(request: RollbackRequest, signal?: AbortSignal): Promise<SubmitResult> {
    const plan = await this.plan(request, signal);
    if (request.dryRun) return { kind: 'dry_run', plan };
    return { kind: 'enqueued', plan: await this.enqueuePlan(plan) };
  }

  /** Takes the lock for an already resolved plan and enqueues it (used directly after an approval). */
  async enqueuePlan(plan: RollbackPlan): Promise<RollbackPlan> {
    const lock = await this.options.locks.acquire(plan.service, plan.jobId);
    if (!lock.acquired) throw await this.inProgressError(plan.service, lock.holderJobId);
    try {
      await this.options.index.record(plan);
      await this.options.progress.publish(initialSnapshot(plan));
      await this.options.queue.enqueue(plan);
    } catch (error) {
      await this.options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw new RetryableError('queue_unavailable', 'The rollback could not be queued; nothing was changed.', {
        cause: error,
        hint: 'The job queue (Redis) did not answer. Try again in a moment.',
      });
    }
    return plan;
  }

  async versions(serviceName: string, signal?: AbortSignal): Promise<{ service: ServiceConfig; entries: VersionEntry[] }> {
    const service = this.options.catalog.require(serviceName);
    const strategy = this.strategyFor(service);
    return { service, entries: await strategy.listVersions(service, signal ? { signal } : {}) };
  }

  async status(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.options.progress.get(jobId);
  }

  async recent(limit = 5, service?: string): Promise<ProgressSnapshot[]> {
    const ids = service ? await this.options.index.forService(service, limit) : await this.options.index.recent(limit);
    const snapshots = await Promise.all(ids.map((id) => this.options.progress.get(id)));
    return snapshots.filter((s): s is ProgressSnapshot => s !== undefined);
  }

  private async inProgressError(service: string, holderJobId: string): Promise<InputError> {
    const running = await this.options.progress.get(holderJobId);
    const who = running ? ` by ${running.requester.name}` : '';
    const target = running ? ` to ${running.to} (${running.state})` : '';
    return new InputError(
      'rollback_in_progress',
      `A rollback of ${service} is already in progress${who}${target}: job ${holderJobId}.`,
      { hint: `Follow it with \`/rollback status ${holderJobId}\`, or cancel it before starting another.` },
    );
  }
}
