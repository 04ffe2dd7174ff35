import { isStepEnded, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import { describeWorkerWait } from '../../rollback/worker-wait.js';
import { remedyDone } from '../../rollback/remedy-wording.js';

/**
 * Where a rollback stands, as plain unescaped sentences (the headline first, then the error's hint and the
 * worker's summary), for renderers that escape for their own medium: the terminal and the report page.
 * The Slack renderer has its own mrkdwn version (describe-progress.ts).
 */
export function describeProgressText(snapshot: ProgressSnapshot): string[] {
  const lines = describe(snapshot);
  // The worker's summary often repeats the headline; say it once.
  const same = (a: string, b: string) => a.replace(/\.$/, '') === b.replace(/\.$/, '');
  return lines.filter((line, i) => !lines.slice(0, i).some((earlier) => same(earlier, line)));
}

function describe(snapshot: ProgressSnapshot): string[] {
  const fromTo = `from ${snapshot.from} to ${snapshot.to}`;
  const took = elapsedMs(snapshot.startedAt, snapshot.endedAt);
  const inTime = took === undefined ? '' : ` in ${formatDuration(took)}`;
  const afterTime = took === undefined ? '' : ` after ${formatDuration(took)}`;
  const summary = snapshot.outcome?.summary === undefined ? [] : [snapshot.outcome.summary];
  const hint = (error: { hint?: string } | undefined): string[] =>
    error?.hint === undefined ? [] : [`Hint: ${error.hint}`];

  switch (snapshot.state) {
    case 'awaiting_approval':
      return [`Waiting for approval to roll back ${snapshot.service} ${fromTo}.`];
    case 'queued':
      return snapshot.waitingForWorker
        ? [
            `Queued to roll back ${snapshot.service} ${fromTo}. ${describeWorkerWait(snapshot.waitingForWorker)}`,
          ]
        : [`Queued: waiting for a worker to roll back ${snapshot.service} ${fromTo}.`];
    case 'running': {
      const index = snapshot.steps.findIndex((step) => step.state === 'running');
      const current = snapshot.steps[index];
      if (snapshot.waitingForWorker) {
        const at =
          current === undefined ? '' : ` at step ${index + 1} of ${snapshot.steps.length}: ${current.title}`;
        return [`Paused${at}. ${describeWorkerWait(snapshot.waitingForWorker)}`];
      }
      return current === undefined
        ? [`Rolling back ${snapshot.service} ${fromTo}.`]
        : [`Running step ${index + 1} of ${snapshot.steps.length}: ${current.title}.`];
    }
    case 'succeeded':
      return snapshot.dryRun
        ? [
            `Dry run finished${inTime}: nothing changed. A real run would roll back ${snapshot.service} ${fromTo}.`,
            ...summary,
          ]
        : snapshot.remedy
          ? [`${remedyDone(snapshot.remedy, snapshot.service)}${inTime}.`, ...summary]
          : [`Rolled back ${snapshot.service} ${fromTo}${inTime}.`, ...summary];
    case 'failed': {
      const step = snapshot.steps.find((s) => s.state === 'failed');
      const error = step?.error ?? snapshot.outcome?.error;
      const why = error === undefined ? '' : `: ${error.message}`;
      return [
        `${step === undefined ? 'Failed' : `Failed at step ${step.title}`}${afterTime}${why}`,
        ...hint(error),
        ...summary,
      ];
    }
    case 'cancelled': {
      const step = snapshot.steps.find((s) => s.state === 'cancelled');
      const where =
        step === undefined ? `Cancelled${afterTime}.` : `Cancelled at step ${step.title}${afterTime}.`;
      return [where, ...hint(snapshot.outcome?.error), ...summary];
    }
  }
}

/** Steps that are over (done, skipped, failed or cancelled) out of all steps. */
export function stepsFinished(snapshot: ProgressSnapshot): { finished: number; total: number } {
  const finished = snapshot.steps.filter(isStepEnded).length;
  return { finished, total: snapshot.steps.length };
}

/** "2026-03-01 14:02:07 UTC": one unambiguous reading of an ISO time, whatever the reader's zone. */
export function utcTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`;
}
