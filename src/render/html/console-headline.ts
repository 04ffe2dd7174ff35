import type {
  ProgressSnapshot,
  RollbackState,
  StepSnapshot,
  StepState,
} from '../../rollback/progress-snapshot.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import { describeWorkerWait } from '../../rollback/worker-wait.js';
import { remedyDone } from '../../rollback/remedy-wording.js';

/** Short, loud words for a rollback's state: the badge of a status card. */
export const ROLLBACK_STATE_LABELS: Record<RollbackState, string> = {
  awaiting_approval: 'Waiting for approval',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STEP_STATE_ICONS: Record<StepState, string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  failed: '✗',
  skipped: '↷',
  cancelled: '⊘',
};

/**
 * The big outcome line of a console status card, as plain text (the caller escapes it), plus the hint of
 * the error when there is one: "Rolled back demo from v0.8.0 to v0.7.0 in 4 s."
 */
export function consoleHeadline(snapshot: ProgressSnapshot): { line: string; hint?: string } {
  const fromTo = `from ${snapshot.from} to ${snapshot.to}`;
  const took = elapsedMs(snapshot.startedAt, snapshot.endedAt);
  const inTime = took === undefined ? '' : ` in ${consoleDuration(took)}`;
  const afterTime = took === undefined ? '' : ` after ${consoleDuration(took)}`;
  switch (snapshot.state) {
    case 'awaiting_approval': {
      const approval = snapshot.approval;
      const count =
        approval === undefined ? '' : ` (${approval.approvals.length} of ${approval.required} approvals)`;
      return { line: `Waiting for approval to roll back ${snapshot.service} ${fromTo}${count}.` };
    }
    case 'queued':
      return snapshot.waitingForWorker
        ? {
            line: `Queued to roll back ${snapshot.service} ${fromTo}. ${describeWorkerWait(snapshot.waitingForWorker)}`,
          }
        : { line: `Queued: waiting for a worker to roll back ${snapshot.service} ${fromTo}.` };
    case 'running': {
      const index = snapshot.steps.findIndex((step) => step.state === 'running');
      const current = snapshot.steps[index];
      if (snapshot.waitingForWorker) {
        const at =
          current === undefined ? '' : ` at step ${index + 1} of ${snapshot.steps.length}: ${current.title}`;
        return { line: `Paused${at}. ${describeWorkerWait(snapshot.waitingForWorker)}` };
      }
      return current === undefined
        ? { line: `Rolling back ${snapshot.service} ${fromTo}.` }
        : { line: `Running step ${index + 1} of ${snapshot.steps.length}: ${current.title}.` };
    }
    case 'succeeded':
      return snapshot.dryRun
        ? {
            line: `Dry run finished${inTime}: nothing changed. A real run would roll back ${snapshot.service} ${fromTo}.`,
          }
        : snapshot.remedy
          ? { line: `${remedyDone(snapshot.remedy, snapshot.service)}${inTime}.` }
          : { line: `Rolled back ${snapshot.service} ${fromTo}${inTime}.` };
    case 'failed': {
      const step = snapshot.steps.find((s) => s.state === 'failed');
      const error = step?.error ?? snapshot.outcome?.error;
      const where = step === undefined ? 'Failed' : `Failed at step ${step.title}`;
      return withHint(`${where}${afterTime}${error === undefined ? '.' : `: ${error.message}`}`, error?.hint);
    }
    case 'cancelled': {
      const step = snapshot.steps.find((s) => s.state === 'cancelled') ?? firstUnfinished(snapshot.steps);
      const where =
        step === undefined
          ? `Cancelled before any step ran${afterTime}.`
          : `Cancelled at step ${step.title}${afterTime}.`;
      return withHint(where, snapshot.outcome?.error?.hint);
    }
  }
}

function withHint(line: string, hint: string | undefined): { line: string; hint?: string } {
  return hint === undefined || hint.trim() === '' ? { line } : { line, hint };
}

function firstUnfinished(steps: StepSnapshot[]): StepSnapshot | undefined {
  const started = steps.some((s) => s.state !== 'pending');
  return started ? steps.find((s) => s.state === 'pending' || s.state === 'running') : undefined;
}

/** "less than 1 s", "4 s", "2 min 5 s". */
export function consoleDuration(ms: number): string {
  return ms < 1000 ? 'less than 1 s' : formatDuration(ms);
}
