import type { Logger } from '../observability/logger.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { CancelPoint } from './cancel-report.js';
import { CancelledError, describeError } from '../errors/rollback-error.js';
import { GuardRefusedError } from './guards/guard-refused-error.js';
import type { RollbackPlan } from './plan.js';
import type { AuditEntry, AuditLog } from './ports/audit-log.js';
import type { CancelRequest } from './ports/cancellation.js';
import type { ProgressStore } from './ports/progress-store.js';
import { isFinished, type Checklist, type ProgressSnapshot } from './progress-snapshot.js';
import type { RetryPolicy } from './retry-with-backoff.js';
import {
  applyEnding,
  botTickAudit,
  endingAudit,
  succeededEnding,
  WORKER_ACTOR,
  type EndingContext,
  type FinalState,
  type RollbackEnding,
} from './rollback-ending.js';
import { RunStopRequests } from './run-stop-requests.js';
import { runStep } from './run-step.js';
import { initialSnapshot, SnapshotTracker } from './snapshot-tracker.js';
import type { JobMemory, RollbackStep } from './step.js';
import type { RunningRollbacks } from './running-rollbacks.js';

export interface RunRollbackOptions {
  plan: RollbackPlan;
  service: ServiceConfig;
  steps: RollbackStep[];
  progress: ProgressStore;
  memory: JobMemory;
  log: Logger;
  /** Aborted when the job is cancelled; its reason may be the {@link CancelRequest}. */
  signal: AbortSignal;
  /** The durable cancel flag, read before every step: a cancel whose broadcast was missed still stops the job. */
  cancelRequested?: () => Promise<CancelRequest | undefined>;
  /** Step starts and ends, the outcome, guard refusals. Audit failures are logged, never fatal. */
  audit?: AuditLog;
  /** Posted in the thread when the rollback ends (verification and post-mortem checklists). */
  checklists?: (outcome: FinalState) => Checklist[];
  retry?: RetryPolicy;
  now?: () => Date;
  /** Where this run is listed while it runs (what a worker puts back if Redis loses its data). */
  running?: RunningRollbacks;
}

/**
 * Runs the steps of a resolved plan, publishing a snapshot after every change. On resume (the job ran
 * before and crashed), steps already done are not run again, and the step that was running runs again:
 * every step checks the current state before acting. A step is marked done only after it returned.
 *
 * Cancel: the durable flag is read before each step; an interruptible step is aborted through its
 * signal, a non-interruptible one finishes; either way no further step runs.
 *
 * Abandoned (the signal's reason is a `JobAbandonedError`: another worker owns the job now): throws
 * it at once and publishes nothing more.
 *
 * Handed back (the reason is a `JobHandedBackError`: this worker is shutting down): stops at the
 * next safe point, the one a cancel would stop at (an interruptible step is interrupted and stays
 * "running", a non-interruptible one finishes first), says so in the thread and throws it; the queue
 * gives the job to another worker, which runs the interrupted step again from its start.
 */
export async function runRollback(options: RunRollbackOptions): Promise<ProgressSnapshot> {
  const run = await RollbackRun.resume(options);
  if (isFinished(run.snapshot)) return run.snapshot;
  const unlist = options.running?.add(options.plan, run.tracker);
  try {
    await run.start();
    const stopNoting = run.stops.noteCancelRequests();
    try {
      await run.end(await run.runSteps());
    } finally {
      stopNoting();
    }
  } finally {
    unlist?.();
  }
  return run.snapshot;
}

/** One run of one rollback: the snapshot it publishes, its steps, and the one way it ends. */
class RollbackRun {
  private readonly now: () => Date;
  private readonly plan: RollbackPlan;
  /** Cancel, abandonment and hand-back: what stops this run, and where. */
  readonly stops: RunStopRequests;
  private startedAt = 0;
  /** The last step's end, audited while the next step's cancel flag is read; both before it starts. */
  private stepEnd: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: RunRollbackOptions,
    readonly tracker: SnapshotTracker,
  ) {
    this.now = options.now ?? (() => new Date());
    this.plan = options.plan;
    this.stops = new RunStopRequests({
      signal: options.signal,
      ...(options.cancelRequested ? { cancelRequested: options.cancelRequested } : {}),
      tracker,
      now: this.now,
    });
  }

  /** Picks up from the stored snapshot (a resumed job) or from the plan's first snapshot. */
  static async resume(options: RunRollbackOptions): Promise<RollbackRun> {
    const { plan, progress, log } = options;
    const previous = await progress.get(plan.jobId);
    const tracker = new SnapshotTracker(previous ?? initialSnapshot(plan), progress, (error, snapshot) =>
      log.warn(
        { err: error, jobId: plan.jobId, version: snapshot.version },
        'could not publish progress; the rollback goes on',
      ),
    );
    return new RollbackRun(options, tracker);
  }

  get snapshot(): ProgressSnapshot {
    return this.tracker.snapshot;
  }

  /** Marks the rollback running and lists its steps in the order they run, keeping what earlier attempts recorded. */
  async start(): Promise<void> {
    const { startedAt } = this.tracker.snapshot;
    this.startedAt = startedAt ? Date.parse(startedAt) : this.now().getTime();
    await this.tracker.update((s) => {
      s.state = 'running';
      s.startedAt ??= new Date(this.startedAt).toISOString();
      // A worker has it now: whatever it waited for has come.
      delete s.waitingForWorker;
      const known = new Map(s.steps.map((x) => [x.id, x]));
      s.steps = this.options.steps.map(
        (step) => known.get(step.id) ?? { id: step.id, title: step.title, state: 'pending' },
      );
    });
  }

  /** Runs the steps not yet done until the rollback ends one way or another. */
  async runSteps(): Promise<RollbackEnding> {
    for (const [index, step] of this.options.steps.entries()) {
      const known = this.tracker.step(step.id);
      if (known && (known.state === 'done' || known.state === 'skipped')) continue;
      this.stops.throwIfAbandoned();
      await this.stops.handBackIfAsked(step.id, `before step "${step.title}"`);
      const ending = (await this.cancelBefore(index)) ?? (await this.attempt(step, index));
      if (ending) return ending;
    }
    const seconds = Math.max(0, Math.round((this.now().getTime() - this.startedAt) / 1000));
    return succeededEnding(this.plan, seconds);
  }

  /**
   * The one way a run ends: steps that never ran are skipped, and the audit entries are written before
   * the final snapshot is published, so whoever sees the outcome finds it recorded.
   */
  async end(ending: RollbackEnding): Promise<void> {
    const context: EndingContext = {
      stepIds: this.options.steps.map((s) => s.id),
      now: this.now,
      checklists: this.options.checklists?.(ending.state) ?? [],
    };
    await this.stepEnd;
    const draft = structuredClone(this.tracker.snapshot);
    applyEnding(draft, ending, context);
    // Sent together, in order (one connection, one script each): one round trip, not one per entry.
    const entries = [...endingAudit(ending, draft.outcome?.summary ?? ''), ...botTickAudit(draft)];
    await Promise.all(entries.map((entry) => this.audit(entry)));
    await this.tracker.update((s) => applyEnding(s, ending, context));
  }

  /** A cancel that arrived before step `index` (the aborted signal or the durable flag) ends the run there. */
  private async cancelBefore(index: number): Promise<RollbackEnding | undefined> {
    const [pending] = await Promise.all([this.stops.pendingCancel(), this.stepEnd]);
    if (pending === undefined) return undefined;
    const point: CancelPoint = this.tracker.snapshot.steps.some((s) => s.endedAt)
      ? { kind: 'between_steps' }
      : { kind: 'not_started' };
    return { state: 'cancelled', firstNotRun: index, point, request: pending.request };
  }

  /** Runs one step; the ending it brought about, or undefined to go on with the next. */
  private async attempt(step: RollbackStep, index: number): Promise<RollbackEnding | undefined> {
    const started = this.audit({ type: 'step_started', actor: WORKER_ACTOR, detail: step.id });
    try {
      await runStep(step, this.tracker, { ...this.options, now: this.now, stored: started });
      const state = this.tracker.step(step.id)?.state ?? 'done';
      this.stepEnd = this.audit({ type: 'step_ended', actor: WORKER_ACTOR, detail: `${step.id}: ${state}` });
    } catch (error) {
      return this.stepStopped(step, index, error);
    }
    this.stops.throwIfAbandoned();
    if (index + 1 < this.options.steps.length)
      await this.stops.handBackIfAsked(step.id, `after step "${step.title}", before the next one`);
    if (this.stops.aborted && step.interruptible === false) {
      // The step finished although a cancel arrived while it ran: stop here.
      const point: CancelPoint = { kind: 'finished_first', step: step.title };
      return { state: 'cancelled', firstNotRun: index + 1, point, request: await this.stops.whoCancelled() };
    }
    return undefined;
  }

  /** A step threw: records it as failed or cancelled (with its details) and says how the run ends. */
  private async stepStopped(step: RollbackStep, index: number, error: unknown): Promise<RollbackEnding> {
    // Another worker owns the job now: leave the snapshot and the audit trail to it.
    this.stops.throwIfAbandoned();
    // Interrupted for the shutdown, not by a cancel or a failure: the next worker runs it again.
    await this.stops.handBackIfAsked(step.id, `during step "${step.title}", which runs again from its start`);
    const cancelled = this.stops.stoppedByCancel(error, step);
    const described = describeError(cancelled ? new CancelledError() : error);
    this.options.log.warn(
      { jobId: this.plan.jobId, step: step.id, error: described },
      'rollback step did not complete',
    );
    await this.tracker.update((s) => {
      const stopped = s.steps.find((x) => x.id === step.id);
      if (stopped) {
        stopped.state = cancelled ? 'cancelled' : 'failed';
        stopped.endedAt = this.now().toISOString();
        stopped.error = described;
      }
      for (const line of detailsOf(error))
        s.details.push({ stepId: step.id, at: this.now().toISOString(), text: line });
    });
    await this.audit({
      type: 'step_ended',
      actor: WORKER_ACTOR,
      detail: `${step.id}: ${cancelled ? 'cancelled' : 'failed'}: ${described.message}`,
    });
    if (cancelled) {
      const point: CancelPoint = { kind: 'interrupted', step: step.title };
      return { state: 'cancelled', firstNotRun: index + 1, point, request: await this.stops.whoCancelled() };
    }
    return {
      state: 'failed',
      firstNotRun: index + 1,
      summary: `Rollback of ${this.plan.service} failed at step "${step.title}": ${described.message}`,
      error: described,
      ...(error instanceof GuardRefusedError ? { guardRefusal: `${step.id}: ${described.message}` } : {}),
    };
  }

  /** Appends to the audit log; a failure is logged, never fatal. */
  private async audit(entry: Omit<AuditEntry, 'service' | 'jobId'>): Promise<void> {
    const { plan, log } = this.options;
    await this.options.audit
      ?.append({ ...entry, service: plan.service, jobId: plan.jobId })
      .catch((error: unknown) => {
        log.warn({ err: error, jobId: plan.jobId, audit: entry.type }, 'could not append to the audit log');
      });
  }
}

/** Lines an error carries for the thread (a failing pod's events, a guard command's output). */
function detailsOf(error: unknown): string[] {
  return error instanceof Error && 'details' in error ? ((error as { details: string[] }).details ?? []) : [];
}
