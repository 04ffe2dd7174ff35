import type { Logger } from '../observability/logger.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { CancelledError, describeError } from './errors.js';
import type { RollbackPlan } from './plan.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { Checklist, ProgressSnapshot } from './progress-snapshot.js';
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
  signal: AbortSignal;
  /** Posted in the thread when the rollback ends (verification and post-mortem checklists). */
  checklists?: (outcome: 'succeeded' | 'failed' | 'cancelled') => Checklist[];
  retry?: RetryPolicy;
  now?: () => Date;
}

/**
 * Runs the steps of a resolved plan, publishing a snapshot after every change. On resume (the job ran
 * before and crashed), steps already done are not run again, and the step that was running runs again:
 * every step checks the current state before acting.
 */
export async function runRollback(options: RunRollbackOptions): Promise<ProgressSnapshot> {
  const { plan, progress, log, signal } = options;
  const now = options.now ?? (() => new Date());
  const previous = await progress.get(plan.jobId);
  const tracker = new SnapshotTracker(previous ?? initialSnapshot(plan), progress);
  if (isFinished(tracker.snapshot.state)) return tracker.snapshot;

  const started = tracker.snapshot.startedAt ? Date.parse(tracker.snapshot.startedAt) : now().getTime();
  await tracker.update((s) => {
    s.state = 'running';
    s.startedAt ??= new Date(started).toISOString();
    for (const step of options.steps) {
      if (!s.steps.some((x) => x.id === step.id)) s.steps.push({ id: step.id, title: step.title, state: 'pending' });
    }
  });

  for (const [index, step] of options.steps.entries()) {
    const known = tracker.step(step.id);
    if (known && (known.state === 'done' || known.state === 'skipped')) continue;
    try {
      if (signal.aborted) throw new CancelledError();
      await runStep(step, tracker, options, now);
    } catch (error) {
      const cancelled = error instanceof CancelledError || signal.aborted;
      const described = cancelled ? describeError(new CancelledError()) : describeError(error);
      const details = error instanceof Error && 'details' in error ? ((error as { details: string[] }).details ?? []) : [];
      log.warn({ jobId: plan.jobId, step: step.id, error: described }, 'rollback step did not complete');
      await tracker.update((s) => {
        const failed = s.steps.find((x) => x.id === step.id);
        if (failed) {
          failed.state = cancelled ? 'cancelled' : 'failed';
          failed.endedAt = now().toISOString();
          failed.error = described;
        }
        for (const rest of options.steps.slice(index + 1)) {
          const later = s.steps.find((x) => x.id === rest.id);
          if (later && later.state === 'pending') later.state = 'skipped';
        }
        for (const line of details) s.details.push({ stepId: step.id, at: now().toISOString(), text: line });
        s.state = cancelled ? 'cancelled' : 'failed';
        s.endedAt = now().toISOString();
        s.outcome = {
          summary: cancelled
            ? cancelledSummary(s, step.title)
            : `Rollback of ${plan.service} failed at step "${step.title}": ${described.message}`,
          error: described,
        };
        s.checklists = options.checklists?.(cancelled ? 'cancelled' : 'failed') ?? [];
      });
      return tracker.snapshot;
    }
  }

  const seconds = Math.max(0, Math.round((now().getTime() - started) / 1000));
  await tracker.update((s) => {
    s.state = 'succeeded';
    s.endedAt = now().toISOString();
    s.outcome = { summary: `Rolled back ${plan.service} from ${plan.from} to ${plan.to} in ${seconds} s` };
    s.checklists = options.checklists?.('succeeded') ?? [];
  });
  return tracker.snapshot;
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
    delete s.error;
  });
  const context: StepContext = {
    plan,
    service: options.service,
    signal,
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
  const outcome = await retryWithBackoff(() => step.run(context), options.retry ?? DEFAULT_STEP_RETRY, {
    signal,
    onRetry: (error, attempt, delayMs) => {
      const { message } = describeError(error);
      void context.detail(`Attempt ${attempt} failed (${message}); retrying in ${(delayMs / 1000).toFixed(1)} s`);
    },
  });
  if (signal.aborted) throw new CancelledError();
  await tracker.updateStep(step.id, (s) => {
    s.state = outcome?.skipped ? 'skipped' : 'done';
    s.endedAt = now().toISOString();
    if (outcome?.summary !== undefined) s.summary = outcome.summary;
  });
}

function isFinished(state: ProgressSnapshot['state']): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

function cancelledSummary(snapshot: ProgressSnapshot, during: string): string {
  const done = snapshot.steps.filter((s) => s.state === 'done').map((s) => s.title);
  const notDone = snapshot.steps.filter((s) => s.state === 'skipped' || s.state === 'pending').map((s) => s.title);
  return (
    `Rollback of ${snapshot.service} was cancelled during "${during}". ` +
    `Done: ${done.length ? done.join(', ') : 'nothing'}. Not done: ${notDone.length ? notDone.join(', ') : 'nothing'}.`
  );
}
