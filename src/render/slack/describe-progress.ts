import type { ProgressSnapshot, StepSnapshot } from '../../rollback/progress-snapshot.js';
import { describeWorkerWait } from '../../rollback/worker-wait.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { elapsedMs, formatDuration } from './format-time.js';
import { ROLLBACK_ICONS } from './state-icons.js';
import { truncateText } from './truncate-text.js';
import { remedyDoing, remedyDone } from '../../rollback/remedy-wording.js';

/** Escaped, and short enough to sit in a line of a status message. */
export function userText(text: string, max = 500): string {
  return truncateText(escapeMrkdwn(text.trim()), max);
}

/**
 * Where the rollback stands, as escaped mrkdwn sentences without formatting marks (they also serve as the
 * notification text): the headline first, then the error's hint and the worker's own summary.
 * "Rolled back kaizen from v0.8.0 to v0.7.0 in 42 s." / "Failed at step Wait for rollout: …".
 */
export function describeProgress(snapshot: ProgressSnapshot): string[] {
  const icon = ROLLBACK_ICONS[snapshot.state];
  const service = userText(snapshot.service, 100);
  const fromTo = `from ${userText(snapshot.from, 200)} to ${userText(snapshot.to, 200)}`;
  const took = elapsedMs(snapshot.startedAt, snapshot.endedAt);
  const inTime = took === undefined ? '' : ` in ${formatDuration(took)}`;
  const afterTime = took === undefined ? '' : ` after ${formatDuration(took)}`;
  const summary = snapshot.outcome?.summary === undefined ? [] : [userText(snapshot.outcome.summary)];
  const total = snapshot.steps.length;

  switch (snapshot.state) {
    case 'awaiting_approval':
      return [`${icon} Waiting for approval to roll back ${service} ${fromTo}.`];
    case 'queued':
      return snapshot.waitingForWorker
        ? [
            `${icon} Queued to roll back ${service} ${fromTo}. ${userText(describeWorkerWait(snapshot.waitingForWorker))}`,
          ]
        : [`${icon} Queued: waiting for a worker to roll back ${service} ${fromTo}.`];
    case 'running': {
      const index = snapshot.steps.findIndex((step) => step.state === 'running');
      const current = snapshot.steps[index];
      if (snapshot.waitingForWorker) {
        const at =
          current === undefined ? '' : ` at step ${index + 1} of ${total}: ${userText(current.title, 150)}`;
        return [
          `${ROLLBACK_ICONS.queued} Paused${at}. ${userText(describeWorkerWait(snapshot.waitingForWorker))}`,
        ];
      }
      if (current === undefined && snapshot.remedy)
        return [`${icon} ${userText(remedyDoing(snapshot.remedy, snapshot.service))}.`];
      return current === undefined
        ? [`${icon} Rolling back ${service} ${fromTo}.`]
        : [`${icon} Running step ${index + 1} of ${total}: ${userText(current.title, 150)}.`];
    }
    case 'succeeded':
      return snapshot.dryRun
        ? [
            `${icon} Dry run finished${inTime}: nothing changed. A real run would roll back ${service} ${fromTo}.`,
            ...summary,
          ]
        : snapshot.remedy
          ? [`${icon} ${userText(remedyDone(snapshot.remedy, snapshot.service))}${inTime}.`, ...summary]
          : [`${icon} Rolled back ${service} ${fromTo}${inTime}.`, ...summary];
    case 'failed': {
      const step = snapshot.steps.find((s) => s.state === 'failed');
      const error = step?.error ?? snapshot.outcome?.error;
      const why = error === undefined ? '' : `: ${userText(error.message)}`;
      const where = `${step === undefined ? 'Failed' : `Failed at step ${userText(step.title, 150)}`}${afterTime}`;
      return [`${icon} ${where}${why}`, ...hint(error), ...summary];
    }
    case 'cancelled': {
      const step = snapshot.steps.find((s) => s.state === 'cancelled') ?? firstUnfinished(snapshot.steps);
      const where =
        step === undefined
          ? `Cancelled before any step ran${afterTime}.`
          : `Cancelled at step ${userText(step.title, 150)}${afterTime}.`;
      return [`${icon} ${where}`, ...hint(snapshot.outcome?.error), ...summary];
    }
  }
}

function hint(error: { hint?: string } | undefined): string[] {
  return error?.hint === undefined ? [] : [`💡 ${userText(error.hint)}`];
}

function firstUnfinished(steps: StepSnapshot[]): StepSnapshot | undefined {
  const done = steps.some((s) => s.state !== 'pending');
  return done ? steps.find((s) => s.state === 'pending' || s.state === 'running') : undefined;
}
