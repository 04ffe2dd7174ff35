import type { Logger } from '../observability/logger.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { CancelledError, describeError } from '../errors/rollback-error.js';
import type { RollbackPlan } from './plan.js';
import { DEFAULT_STEP_RETRY, retryWithBackoff, type RetryPolicy } from './retry-with-backoff.js';
import type { SnapshotTracker } from './snapshot-tracker.js';
import type { JobMemory, RollbackStep, StepContext } from './step.js';

export interface RunStepOptions {
  plan: RollbackPlan;
  service: ServiceConfig;
  memory: JobMemory;
  log: Logger;
  /** The job's signal: aborted on cancel (or when the job is abandoned). */
  signal: AbortSignal;
  retry?: RetryPolicy;
  now: () => Date;
  /** Stored before the step acts, alongside its "running" state (the audit entry of its start). */
  stored?: Promise<void>;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs one step, retrying transient failures with backoff, and marks it done (or skipped) only after it
 * returned. Its end is stored without the run waiting for it: the tracker stores in order, so the next
 * step's start (awaited before that step acts) and the outcome are stored only after it. A non-interruptible step gets a signal that never aborts; the backoff between attempts always
 * listens to the job's signal, so a cancel stops retries. An interruptible step that returned after the
 * signal aborted is not trusted: it throws {@link CancelledError}.
 */
export async function runStep(
  step: RollbackStep,
  tracker: SnapshotTracker,
  options: RunStepOptions,
): Promise<void> {
  const { plan, signal, log, now } = options;
  const running = tracker.updateStep(step.id, (s) => {
    s.state = 'running';
    s.startedAt = now().toISOString();
    delete s.endedAt;
    delete s.error;
  });
  await Promise.all([running, options.stored]);
  const context: StepContext = {
    plan,
    service: options.service,
    signal: step.interruptible === false ? NEVER_ABORTED : signal,
    memory: options.memory,
    log: log.child({ jobId: plan.jobId, step: step.id }),
    now,
    // What a step saw is shown, never waited for: published with the rest of its burst, and stored before
    // the step's end is (the tracker publishes in order).
    detail: async (text) =>
      tracker.note((s) => {
        s.details.push({ stepId: step.id, at: now().toISOString(), text });
      }),
    summary: async (text) =>
      tracker.note((s) => {
        const current = s.steps.find((x) => x.id === step.id);
        if (current) current.summary = text;
      }),
    evidence: async (bundles) =>
      tracker.note((s) => {
        const known = new Set(bundles.map((b) => b.id));
        s.evidence = [...(s.evidence ?? []).filter((b) => !known.has(b.id)), ...bundles];
      }),
  };
  const outcome = await retryWithBackoff(() => step.run(context), options.retry ?? DEFAULT_STEP_RETRY, {
    signal,
    onRetry: (error, attempt, delayMs) => {
      const { message } = describeError(error);
      void context.detail(
        `Attempt ${attempt} failed (${message}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
      );
    },
  });
  if (signal.aborted && step.interruptible !== false) throw new CancelledError();
  void tracker.updateStep(step.id, (s) => {
    s.state = outcome?.skipped ? 'skipped' : 'done';
    s.endedAt = now().toISOString();
    if (outcome?.summary !== undefined) s.summary = outcome.summary;
  });
}
