import { redactText } from '../../config/redact-text.js';
import type { BundleDiff, BundleRef } from './diff-bundles.js';
import type { DiffArea, LineSetDiff, LogDiff, ValueChange } from './diff-types.js';
import { describeValueChange, labelName } from './summarise-diff.js';

const AREAS: readonly [DiffArea, string][] = [
  ['restarts', 'restarts and states'],
  ['processes', 'processes'],
  ['hardening', 'hardening'],
  ['versions', 'versions'],
  ['files', 'files'],
];
/** Per source and direction; the rest is counted. */
const MAX_LOG_LINES = 50;

function describeRef(which: string, ref: BundleRef): string {
  return `${which}: ${labelName(ref.label)}, ${ref.service}, ${ref.target}, taken ${ref.takenAt}${ref.jobId ? `, job ${ref.jobId}` : ''}`;
}

function logSection(log: LogDiff): string[] {
  if (log.added.length + log.removed.length === 0) return [];
  const lines = [`== ${log.source}: error lines ==`];
  for (const [sign, changes] of [
    ['+', log.added],
    ['-', log.removed],
  ] as const) {
    for (const change of changes.slice(0, MAX_LOG_LINES)) {
      lines.push(
        `${sign} ${change.count > 1 ? `(${change.count}x) ` : ''}${change.normalised}`,
        `    e.g. ${change.example}`,
      );
    }
    if (changes.length > MAX_LOG_LINES) lines.push(`${sign} ... and ${changes.length - MAX_LOG_LINES} more`);
  }
  return lines;
}

function areaSection(title: string, values: readonly ValueChange[], sets: readonly LineSetDiff[]): string[] {
  if (values.length + sets.length === 0) return [];
  const lines = [`== ${title} ==`];
  for (const value of values) {
    lines.push(`  ${describeValueChange(value)}${value.significant ? '' : ' (not counted as a difference)'}`);
  }
  for (const set of sets) {
    lines.push(`  ${set.what}:`, ...set.added.map((l) => `  + ${l}`), ...set.removed.map((l) => `  - ${l}`));
  }
  return lines;
}

/** The whole diff as text: the summary, both bundles, then every section that has something (redacted). */
export function formatFullDiff(diff: BundleDiff): string {
  const lines = [diff.summary.text, describeRef('a', diff.a), describeRef('b', diff.b), ''];
  for (const log of diff.logs) lines.push(...logSection(log));
  for (const [area, title] of AREAS) {
    lines.push(
      ...areaSection(
        title,
        diff.values.filter((v) => v.area === area),
        diff.lineSets.filter((s) => s.area === area),
      ),
    );
  }
  if (lines.length === 4) lines.push('No differences in the evidence both bundles hold.');
  return redactText(`${lines.join('\n').trimEnd()}\n`);
}
