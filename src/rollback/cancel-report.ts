import type { CancelRequest } from './ports/cancellation.js';
import type { ProgressSnapshot, StepSnapshot } from './progress-snapshot.js';

/** Where the job was when the cancel took effect. */
export type CancelPoint =
  | { kind: 'not_started' }
  /** Between two steps: nothing was running. */
  | { kind: 'between_steps' }
  /** The step was aborted half-way (a read, a wait, a check). */
  | { kind: 'interrupted'; step: string }
  /** The step cannot be stopped half-way (it changes the target), so it finished first. */
  | { kind: 'finished_first'; step: string };

/** Reason given to `AbortController.abort()` or a plain string: who cancelled, if known. */
export function cancelRequestOf(reason: unknown): CancelRequest | undefined {
  if (reason && typeof reason === 'object' && 'by' in reason && 'at' in reason)
    return reason as CancelRequest;
  return undefined;
}

/** A step counts as done when it ended on its own (done, or skipped because nothing was left to do). */
function isDone(step: StepSnapshot): boolean {
  return step.state === 'done' || (step.state === 'skipped' && step.endedAt !== undefined);
}

function isNotRun(step: StepSnapshot): boolean {
  return step.state === 'pending' || (step.state === 'skipped' && step.endedAt === undefined);
}

function label(step: StepSnapshot): string {
  return step.summary ? `${step.title} (${step.summary})` : step.title;
}

/**
 * The outcome line of a cancelled rollback: who cancelled, where the job was, what was done (with each
 * step's summary), what was interrupted and what never ran. Done work is never undone by a cancel.
 */
export function describeCancellation(
  snapshot: ProgressSnapshot,
  point: CancelPoint,
  request: CancelRequest | undefined,
): string {
  const by = request ? ` by ${request.by.name}` : '';
  const done = snapshot.steps.filter(isDone);
  const notRun = snapshot.steps.filter(isNotRun);
  let where: string;
  switch (point.kind) {
    case 'not_started':
      where = 'before it started';
      break;
    case 'between_steps':
      where = done.length ? `after "${done[done.length - 1]?.title}"` : 'before its first step';
      break;
    case 'interrupted':
      where = `during "${point.step}", which was stopped half-way`;
      break;
    case 'finished_first':
      where = `during "${point.step}", which cannot be stopped half-way and finished first`;
      break;
  }
  const parts = [
    `Rollback of ${snapshot.service} was cancelled${by} ${where}.`,
    `Done: ${done.length ? done.map(label).join(', ') : 'nothing'}.`,
    `Not done: ${notRun.length ? notRun.map((s) => s.title).join(', ') : 'nothing'}.`,
  ];
  parts.push(
    done.length === 0 && point.kind !== 'interrupted'
      ? 'Nothing was changed.'
      : 'Nothing that was done has been undone: check the service and finish or revert by hand if needed.',
  );
  return parts.join(' ');
}
