import { isStepEnded, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { SlackStatusBinding } from '../../stores/slack-status-store.js';

/**
 * Web API calls a running rollback may still need to reach its final state from what is drawn: the status
 * message's final update; per step, its reply's post (unless it ended with nothing to say) or, once posted,
 * its final edit (unless it ended and shows everything); the checklists' post. An upper bound: a step may
 * end with no details, and a rollback may end without checklists.
 */
export function stillToDraw(snapshot: ProgressSnapshot, binding: SlackStatusBinding): number {
  let calls = 1;
  for (const step of snapshot.steps) {
    const entries = snapshot.details.filter((d) => d.stepId === step.id).length;
    const drawn = binding.steps[step.id];
    const ended = isStepEnded(step);
    if (drawn === undefined ? !ended || entries > 0 : !ended || drawn.details < entries) calls += 1;
  }
  return binding.checklistsPosted ? calls : calls + 1;
}

/** Steps not started yet: the status message would want an update to show each of them running. */
export function stepsToStart(snapshot: ProgressSnapshot): number {
  return snapshot.steps.filter((s) => s.state === 'pending').length;
}

/** How far along a rollback is, as its status message shows it: the number of steps started. */
export function progressStage(snapshot: ProgressSnapshot): number {
  return snapshot.steps.length - stepsToStart(snapshot);
}
