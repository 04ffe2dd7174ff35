import { isFinished, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { describeProgressText, utcTime } from '../plain-text/describe-progress-text.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import { indent, terminalLine } from './terminal-text.js';

/**
 * `--follow` when stdout is not a terminal: the lines that `next` adds to what `previous` showed, so a log
 * file reads as a history (a step's start and end, each detail once, the outcome). Pure: the caller keeps
 * the previous snapshot.
 */
export function renderProgressLines(
  previous: ProgressSnapshot | undefined,
  next: ProgressSnapshot,
): string[] {
  const lines: string[] = [];
  const at = (iso: string | undefined) => utcTime(iso ?? next.createdAt).slice(11, 19) || '--:--:--';
  if (previous === undefined) {
    lines.push(
      `${at(next.createdAt)} rollback of ${terminalLine(next.service)} (${terminalLine(next.environment)}) from ${terminalLine(next.from)} to ${terminalLine(next.to)}${next.dryRun ? ' (dry run)' : ''}, job ${next.jobId}`,
    );
  }
  if (previous?.state !== next.state && !isFinished(next))
    lines.push(`${at(next.startedAt)} ${next.state.replace('_', ' ')}`);

  next.steps.forEach((step, i) => {
    const before = previous?.steps.find((s) => s.id === step.id);
    if (before?.state === step.state || step.state === 'pending') return;
    const label = `step ${i + 1}/${next.steps.length} ${terminalLine(step.title)}`;
    if (step.state === 'running') {
      lines.push(`${at(step.startedAt)} started ${label}`);
      return;
    }
    const took = elapsedMs(step.startedAt, step.endedAt);
    const extra = [
      took === undefined ? '' : formatDuration(took),
      step.summary ?? '',
      step.error ? `${step.error.code}: ${step.error.message}` : '',
    ]
      .filter((part) => part.trim() !== '')
      .map(terminalLine);
    lines.push(
      `${at(step.endedAt)} ${step.state} ${label}${extra.length > 0 ? ` · ${extra.join(' · ')}` : ''}`,
    );
  });

  for (const detail of next.details.slice(previous?.details.length ?? 0)) {
    const title = next.steps.find((s) => s.id === detail.stepId)?.title ?? detail.stepId;
    lines.push(`${at(detail.at)} detail ${terminalLine(title)}:`, indent(detail.text));
  }

  if (isFinished(next) && (previous === undefined || !isFinished(previous))) {
    lines.push(
      `${at(next.endedAt)} ${next.state}: ${describeProgressText(next).map(terminalLine).join(' ')}`,
    );
  }
  return lines;
}
