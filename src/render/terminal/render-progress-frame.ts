import type { ProgressSnapshot, StepSnapshot } from '../../rollback/progress-snapshot.js';
import { describeProgressText, stepsFinished } from '../plain-text/describe-progress-text.js';
import { elapsedMs, formatDuration } from '../slack/format-time.js';
import { progressBar, stopwatch } from './progress-bar.js';
import { ROLLBACK_SYMBOLS, STEP_SYMBOLS } from './step-symbols.js';
import { terminalLine } from './terminal-text.js';

/**
 * The live view of `--follow` in a terminal, redrawn in place from each snapshot (and every second, for
 * the clock): title, progress bar with elapsed time, one line per step, and where it stands.
 */
export function renderProgressFrame(snapshot: ProgressSnapshot, now: Date, columns = 100): string {
  const { finished, total } = stepsFinished(snapshot);
  const start = snapshot.startedAt ?? snapshot.createdAt;
  const elapsed = Date.parse(snapshot.endedAt ?? now.toISOString()) - Date.parse(start);
  const title = `${ROLLBACK_SYMBOLS[snapshot.state]} Rollback of ${snapshot.service} (${snapshot.environment}): ${snapshot.from} → ${snapshot.to}${snapshot.dryRun ? ' · DRY RUN' : ''}`;
  const lines = [
    title,
    `${progressBar(finished, total)} steps · ${stopwatch(Number.isNaN(elapsed) ? 0 : elapsed)} elapsed · ${snapshot.state.replace('_', ' ')}`,
    ...(snapshot.warnings ?? []).map((w) => `  ! ${w}`),
    '',
    ...snapshot.steps.map((step) => stepLine(step, now)),
    '',
    ...describeProgressText(snapshot),
    `Job ${snapshot.jobId}`,
  ];
  return lines.map((line) => clip(terminalLine(line), columns)).join('\n');
}

function stepLine(step: StepSnapshot, now: Date): string {
  const parts = [`  ${STEP_SYMBOLS[step.state]} ${step.title}`];
  const took = elapsedMs(step.startedAt, step.endedAt);
  if (took !== undefined) parts.push(formatDuration(took));
  else if (step.state === 'running' && step.startedAt !== undefined) {
    parts.push(`running ${stopwatch(now.getTime() - Date.parse(step.startedAt))}`);
  }
  if (step.summary !== undefined && step.summary.trim() !== '') parts.push(step.summary);
  else if (step.error !== undefined) parts.push(step.error.message);
  return parts.join(' · ');
}

function clip(line: string, columns: number): string {
  const chars = Array.from(line);
  return chars.length <= columns ? line : `${chars.slice(0, Math.max(1, columns - 1)).join('')}…`;
}
