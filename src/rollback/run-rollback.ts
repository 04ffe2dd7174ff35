import type { Logger } from '../observability/logger.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { cancelRequestOf, describeCancellation, type CancelPoint } from './cancel-report.js';
import { CancelledError, JobAbandonedError, describeError, isRetryable } from '../errors/rollback-error.js';
import { GuardRefusedError } from './guards/guard-refused-error.js';
import type { RollbackPlan } from './plan.js';
import type { AuditEntry, AuditLog } from './ports/audit-log.js';
import type { CancelRequest } from './ports/cancellation.js';
import type { ProgressStore } from './ports/progress-store.js';
import { isFinished, type Checklist, type ProgressSnapshot } from './progress-snapshot.js';
import { DEFAULT_STEP_RETRY, retryWithBackoff, type RetryPolicy } from './retry-with-backoff.js';
import { initialSnapshot, SnapshotTracker } from './snapshot-tracker.js';
import type { JobMemory, RollbackStep, StepContext } from './step.js';

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
  checklists?: (outcome: 'succeeded' | 'failed' | 'cancelled') => Checklist[];
  retry?: RetryPolicy;
  now?: () => Date;
}

const WORKER = { id: 'worker', name: 'worker', source: 'http' } as const;
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs the steps of a resolved plan, publishing a snapshot after every change. On resume (the job ran
 * before and crashed), steps already done are not run again, and the step that was running runs again:
 * every step checks the current state before acting. A step is marked done only after it returned.
 *
 * Cancel: the durable flag is read before each step; an interruptible step is aborted through its
 * signal, a non-interruptible one finishes; either way no further step runs.
 */
export async function runRollback(options: RunRollbackOptions): Promise<ProgressSnapshot> {
  const { plan, progress, log, signal } = options;
  const now = options.now ?? (() => new Date());
  const audit = (entry: Omit<AuditEntry, 'service' | 'jobId'>) =>
    options.audit?.append({ ...entry, service: plan.service, jobId: plan.jobId }).catch((error: unknown) => {
      log.warn({ err: error, jobId: plan.jobId, audit: entry.type }, 'could not append to the audit log');
    });
  const previous = await progress.get(plan.jobId);
  const tracker = new SnapshotTracker(previous ?? initialSnapshot(plan), progress, (error, snapshot) =>
    log.warn(
      { err: error, jobId: plan.jobId, version: snapshot.version },
      'could not publish progress; the rollback goes on',
    ),
  );
  if (isFinished(tracker.snapshot)) return tracker.snapshot;

  const started = tracker.snapshot.startedAt ? Date.parse(tracker.snapshot.startedAt) : now().getTime();
  await tracker.update((s) => {
    s.state = 'running';
    s.startedAt ??= new Date(started).toISOString();
    // In the order the steps run; keeps what earlier attempts recorded.
    const known = new Map(s.steps.map((x) => [x.id, x]));
    s.steps = options.steps.map(
      (step) => known.get(step.id) ?? { id: step.id, title: step.title, state: 'pending' },
    );
  });

  const noteCancel = () => {
    const request = cancelRequestOf(signal.reason);
    if (request) void tracker.update((s) => void (s.cancelRequested ??= request)).catch(() => undefined);
  };
  signal.addEventListener('abort', noteCancel, { once: true });
  try {
    for (const [index, step] of options.steps.entries()) {
      const known = tracker.step(step.id);
      if (known && (known.state === 'done' || known.state === 'skipped')) continue;
      if (signal.reason instanceof JobAbandonedError) throw signal.reason;
      const pending = await cancelRequest(options);
      if (pending !== undefined) {
        const point: CancelPoint = tracker.snapshot.steps.some((s) => s.endedAt)
          ? { kind: 'between_steps' }
          : { kind: 'not_started' };
        await finish(
          tracker,
          options,
          index,
          'cancelled',
          now,
          { point, request: pending.request },
          (summary) => audit({ type: 'cancelled', actor: actorOf(pending.request), detail: summary }),
        );
        return tracker.snapshot;
      }
      await audit({ type: 'step_started', actor: WORKER, detail: step.id });
      try {
        await runStep(step, tracker, options, now);
        await audit({
          type: 'step_ended',
          actor: WORKER,
          detail: `${step.id}: ${tracker.step(step.id)?.state ?? 'done'}`,
        });
      } catch (error) {
        // Another worker owns the job now: leave the snapshot and the audit trail to it.
        if (signal.reason instanceof JobAbandonedError) throw signal.reason;
        const interruptible = step.interruptible !== false;
        // A non-interruptible step that failed for its own reason fails the job; one stopped between
        // retries because of the cancel, or any interruptible step once the signal aborted, is cancelled.
        const stoppedBetweenRetries =
          isRetryable(error) || (error instanceof Error && error.name === 'AbortError');
        const cancelled =
          error instanceof CancelledError || (signal.aborted && (interruptible || stoppedBetweenRetries));
        const described = cancelled ? describeError(new CancelledError()) : describeError(error);
        const details =
          error instanceof Error && 'details' in error
            ? ((error as { details: string[] }).details ?? [])
            : [];
        log.warn({ jobId: plan.jobId, step: step.id, error: described }, 'rollback step did not complete');
        await tracker.update((s) => {
          const failed = s.steps.find((x) => x.id === step.id);
          if (failed) {
            failed.state = cancelled ? 'cancelled' : 'failed';
            failed.endedAt = now().toISOString();
            failed.error = described;
          }
          for (const line of details)
            s.details.push({ stepId: step.id, at: now().toISOString(), text: line });
        });
        await audit({
          type: 'step_ended',
          actor: WORKER,
          detail: `${step.id}: ${cancelled ? 'cancelled' : 'failed'}: ${described.message}`,
        });
        if (cancelled) {
          const request =
            cancelRequestOf(signal.reason) ?? (await options.cancelRequested?.().catch(() => undefined));
          await finish(
            tracker,
            options,
            index + 1,
            'cancelled',
            now,
            {
              point: { kind: 'interrupted', step: step.title },
              request,
            },
            (summary) => audit({ type: 'cancelled', actor: actorOf(request), detail: summary }),
          );
        } else {
          const summary = `Rollback of ${plan.service} failed at step "${step.title}": ${described.message}`;
          // The audit trail is written first, so whoever sees the outcome finds it recorded.
          if (error instanceof GuardRefusedError) {
            await audit({ type: 'guard_refused', actor: WORKER, detail: `${step.id}: ${described.message}` });
          }
          await audit({ type: 'failed', actor: WORKER, detail: summary });
          await finish(tracker, options, index + 1, 'failed', now, { summary, error: described });
        }
        return tracker.snapshot;
      }
      if (signal.reason instanceof JobAbandonedError) throw signal.reason;
      if (signal.aborted && step.interruptible === false) {
        // The step finished although a cancel arrived while it ran: stop here.
        const request =
          cancelRequestOf(signal.reason) ?? (await options.cancelRequested?.().catch(() => undefined));
        await finish(
          tracker,
          options,
          index + 1,
          'cancelled',
          now,
          {
            point: { kind: 'finished_first', step: step.title },
            request,
          },
          (summary) => audit({ type: 'cancelled', actor: actorOf(request), detail: summary }),
        );
        return tracker.snapshot;
      }
    }
  } finally {
    signal.removeEventListener('abort', noteCancel);
  }

  const seconds = Math.max(0, Math.round((now().getTime() - started) / 1000));
  const summary = `Rolled back ${plan.service} from ${plan.from} to ${plan.to} in ${seconds} s`;
  await audit({ type: 'succeeded', actor: WORKER, detail: summary });
  await tracker.update((s) => {
    s.state = 'succeeded';
    s.endedAt = now().toISOString();
    s.outcome = { summary };
    s.checklists = options.checklists?.('succeeded') ?? [];
  });
  return tracker.snapshot;
}

/** A cancel that should stop the job before its next step: the aborted signal or the durable flag. */
async function cancelRequest(
  options: RunRollbackOptions,
): Promise<{ request: CancelRequest | undefined } | undefined> {
  if (options.signal.aborted) return { request: cancelRequestOf(options.signal.reason) };
  // A flag that cannot be read (Redis blip) is no reason to stop: the pub/sub watch still reaches the job.
  const flagged = await options.cancelRequested?.().catch(() => undefined);
  return flagged ? { request: flagged } : undefined;
}

type Ending =
  | { point: CancelPoint; request: CancelRequest | undefined }
  | { summary: string; error: { code: string; message: string; hint?: string } };

/** Ends the job: steps from `firstNotRun` on that never ran become skipped; outcome and checklists set. */
async function finish(
  tracker: SnapshotTracker,
  options: RunRollbackOptions,
  firstNotRun: number,
  state: 'cancelled' | 'failed',
  now: () => Date,
  ending: Ending,
  /** Runs with the outcome's summary before the final snapshot is published (the audit entry). */
  beforePublish?: (summary: string) => Promise<unknown> | undefined,
): Promise<void> {
  const end = (s: ProgressSnapshot): void => {
    for (const rest of options.steps.slice(firstNotRun)) {
      const later = s.steps.find((x) => x.id === rest.id);
      if (later && (later.state === 'pending' || later.state === 'running')) later.state = 'skipped';
    }
    s.state = state;
    s.endedAt = now().toISOString();
    if ('point' in ending) {
      if (ending.request) s.cancelRequested ??= ending.request;
      s.outcome = {
        summary: describeCancellation(s, ending.point, ending.request ?? s.cancelRequested),
        error: describeError(new CancelledError()),
      };
    } else {
      s.outcome = { summary: ending.summary, error: ending.error };
    }
    s.checklists = options.checklists?.(state) ?? [];
  };
  if (beforePublish) {
    const draft = structuredClone(tracker.snapshot);
    end(draft);
    await beforePublish(draft.outcome?.summary ?? '');
  }
  await tracker.update(end);
}

async function runStep(
  step: RollbackStep,
  tracker: SnapshotTracker,
  options: RunRollbackOptions,
  now: () => Date,
): Promise<void> {
  const { plan, signal, log } = options;
  await tracker.updateStep(step.id, (s) => {
    s.state = 'running';
    s.startedAt = now().toISOString();
    delete s.endedAt;
    delete s.error;
  });
  const context: StepContext = {
    plan,
    service: options.service,
    signal: step.interruptible === false ? NEVER_ABORTED : signal,
    memory: options.memory,
    log: log.child({ jobId: plan.jobId, step: step.id }),
    now,
    detail: (text) =>
      tracker.update((s) => {
        s.details.push({ stepId: step.id, at: now().toISOString(), text });
      }),
    summary: (text) =>
      tracker.updateStep(step.id, (s) => {
        s.summary = text;
      }),
  };
  // The backoff between attempts always listens to the real signal: a cancel stops retries.
  const outcome = await retryWithBackoff(() => step.run(context), options.retry ?? DEFAULT_STEP_RETRY, {
    signal,
    onRetry: (error, attempt, delayMs) => {
      const { message } = describeError(error);
      void context.detail(
        `Attempt ${attempt} failed (${message}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
      );
    },
  });
  // An interruptible step whose signal aborted may have returned early: its result is not trusted.
  if (signal.aborted && step.interruptible !== false) throw new CancelledError();
  await tracker.updateStep(step.id, (s) => {
    s.state = outcome?.skipped ? 'skipped' : 'done';
    s.endedAt = now().toISOString();
    if (outcome?.summary !== undefined) s.summary = outcome.summary;
  });
}

/** Who cancelled, for the audit log; the worker itself when the request carries no person. */
function actorOf(request: CancelRequest | undefined): AuditEntry['actor'] {
  return request ? { id: request.by.id, name: request.by.name, source: request.by.source ?? 'http' } : WORKER;
}
