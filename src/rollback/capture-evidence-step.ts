import { describeError } from '../errors/rollback-error.js';
import type { EvidenceRecorder, RollbackEvidenceLabel } from './ports/evidence-recorder.js';
import type { RollbackStep, StepOutcome } from './step.js';

/** The capture steps as a plan lists them: the broken state first, the state after verification last. */
export const CAPTURE_STEPS: Record<RollbackEvidenceLabel, { id: string; title: string }> = {
  broken: { id: 'evidence-broken', title: 'Capture the broken state' },
  'post-rollback': { id: 'evidence-post-rollback', title: 'Capture the state after the rollback' },
};

/**
 * The runbook step that takes an evidence bundle: before the rollback changes anything (`broken`, with the
 * quick diagnosis in the thread) or after verification (`post-rollback`, with its diff in the thread).
 * Nothing here stops the rollback: a failing collector is recorded in the bundle, an unreachable store or
 * a worker without a recorder is said in the thread and the step ends. Only a cancel stops it.
 */
export function captureEvidenceStep(
  label: RollbackEvidenceLabel,
  recorder: EvidenceRecorder | undefined,
): RollbackStep {
  return {
    ...CAPTURE_STEPS[label],
    async run(ctx): Promise<StepOutcome> {
      if (!recorder) return { skipped: true, summary: 'no evidence store on this worker' };
      try {
        const capture = await recorder.capture({
          plan: ctx.plan,
          service: ctx.service,
          label,
          signal: ctx.signal,
        });
        await ctx.evidence?.(capture.bundles);
        if (capture.report !== '') await ctx.detail(capture.report);
        return { summary: capture.summary };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const { message } = describeError(error);
        ctx.log.warn({ err: error, label }, 'evidence not captured; the rollback goes on');
        await ctx.detail(`Evidence (${label}) not captured: ${message}. The rollback goes on.`);
        return { summary: 'not captured' };
      }
    },
  };
}
