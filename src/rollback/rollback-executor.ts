import type { Logger } from '../observability/logger.js';
import { describeError, JobAbandonedError, JobHandedBackError } from '../errors/rollback-error.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { RollbackPlan } from './plan.js';
import type { AuditLog } from './ports/audit-log.js';
import type { CancelRequest } from './ports/cancellation.js';
import type { CommandRunner } from './ports/command-runner.js';
import type { EvidenceRecorder } from './ports/evidence-recorder.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { ServiceLocks } from './ports/rollback-queue.js';
import type { Checklist, ProgressSnapshot } from './progress-snapshot.js';
import type { RetryPolicy } from './retry-with-backoff.js';
import type { FinalState } from './rollback-ending.js';
import { Runbooks } from './runbooks.js';
import { runRollback } from './run-rollback.js';
import type { ServiceCatalog } from './service-catalog.js';
import { failSnapshot } from './snapshot-tracker.js';
import type { JobMemory } from './step.js';
import type { Strategy } from './strategy.js';
import type { RunningRollbacks } from './running-rollbacks.js';

export interface RollbackExecutorOptions {
  catalog: ServiceCatalog;
  strategies: ReadonlyMap<string, Strategy>;
  /** Runs guard commands (database compatibility) on the worker's host. */
  guardRunner: CommandRunner;
  progress: ProgressStore;
  locks: ServiceLocks;
  /** The durable memory of one job, which survives a worker crash (a Redis hash in production). */
  memory: (jobId: string) => JobMemory;
  log: Logger;
  /** Step starts and ends, the outcome, guard refusals. */
  audit?: AuditLog;
  /** Posted in the thread when the rollback ends. */
  /** The checklists posted when a job ends, fitted to its service and plan (finalChecklists). */
  checklists?: (service: ServiceConfig, plan: RollbackPlan, outcome: FinalState) => Checklist[];
  stepRetry?: RetryPolicy;
  /** Takes the evidence bundles of plans that list the capture steps (absent: those steps are skipped). */
  evidence?: EvidenceRecorder;
  /** Lists the rollbacks this process runs (what it puts back if Redis loses its data). */
  running?: RunningRollbacks;
}

export interface ExecuteOptions {
  /**
   * Aborted to cancel the job (reason: the {@link CancelRequest}) or to abandon it at once (reason: a
   * {@link JobAbandonedError}, when another worker owns the job now).
   */
  signal: AbortSignal;
  /** The durable cancel flag, read before every step. */
  cancelRequested?: () => Promise<CancelRequest | undefined>;
  /** Which attempt at the job this is (1 the first time, more on resume), for the log. */
  attempt?: number;
}

export type ExecutionOutcome =
  /** The steps ran to an end: the snapshot says how (succeeded, failed or cancelled). */
  | { kind: 'ended'; snapshot: ProgressSnapshot }
  /**
   * The job could not run at all (its service left the catalog, its strategy is missing here, Redis
   * failed before the first step): its snapshot says failed and why, and the service's lock is free.
   */
  | { kind: 'not_run'; error: { code: string; message: string; hint?: string } };

/**
 * Executes accepted rollback plans, whatever queue delivers them: looks up the service and its strategy,
 * builds the runbook (guards first), runs it to an end and frees the service. A plan that cannot run
 * ends as a failed snapshot. A job abandoned through the signal throws {@link JobAbandonedError} at once
 * and leaves snapshot, audit trail and lock to the worker that owns it now; one handed back (shutdown)
 * throws {@link JobHandedBackError} at its next safe point and keeps the service locked for the next worker.
 */
export class RollbackExecutor {
  private readonly runbooks: Runbooks;

  constructor(private readonly options: RollbackExecutorOptions) {
    this.runbooks = new Runbooks(options.strategies, options.evidence);
  }

  async execute(plan: RollbackPlan, run: ExecuteOptions): Promise<ExecutionOutcome> {
    const { log } = this.options;
    let final: ProgressSnapshot;
    try {
      final = await this.runPlan(plan, run);
    } catch (error) {
      if (error instanceof JobAbandonedError || error instanceof JobHandedBackError) throw error;
      const described = describeError(error);
      log.error({ jobId: plan.jobId, error: described }, 'rollback job could not run');
      await this.failUnrun(plan, described);
      return { kind: 'not_run', error: described };
    }
    await this.releaseLock(plan);
    log.info({ jobId: plan.jobId, state: final.state }, 'rollback finished');
    return { kind: 'ended', snapshot: final };
  }

  /**
   * Ends a job that never ran to an end (it could not start, or the queue gave up on it after repeated
   * worker deaths): its snapshot says failed and why, unless it already ended; the service is freed.
   * Failures are logged: a lock left behind heals through stale-lock recovery once the snapshot ended.
   */
  async failUnrun(
    plan: RollbackPlan,
    error: { code: string; message: string; hint?: string },
  ): Promise<void> {
    await failSnapshot(this.options.progress, plan, error).catch((cause: unknown) =>
      this.options.log.warn({ err: cause, jobId: plan.jobId }, 'could not mark the rollback failed'),
    );
    await this.releaseLock(plan);
  }

  private async runPlan(plan: RollbackPlan, run: ExecuteOptions): Promise<ProgressSnapshot> {
    const { catalog, log } = this.options;
    const service = catalog.require(plan.service);
    const strategy = this.runbooks.ofPlan(plan);
    log.info({ jobId: plan.jobId, service: plan.service, attempt: run.attempt }, 'running rollback');
    const { checklists, audit, stepRetry } = this.options;
    return runRollback({
      plan,
      service,
      steps: this.runbooks.steps(service, strategy, plan.target, this.options.guardRunner, plan.steps),
      progress: this.options.progress,
      memory: this.options.memory(plan.jobId),
      log,
      signal: run.signal,
      ...(run.cancelRequested ? { cancelRequested: run.cancelRequested } : {}),
      ...(audit ? { audit } : {}),
      checklists: (outcome) => checklists?.(service, plan, outcome) ?? [],
      ...(stepRetry ? { retry: stepRetry } : {}),
      ...(this.options.running ? { running: this.options.running } : {}),
    });
  }

  /** The snapshot already says how it ended; a lock that could not be released heals (stale-lock recovery). */
  private async releaseLock(plan: RollbackPlan): Promise<void> {
    await this.options.locks
      .release(plan.service, plan.jobId)
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, jobId: plan.jobId }, 'could not release the lock'),
      );
  }
}
