import { redactText } from '../../config/redact-text.js';
import type { BundleRef } from './diff-bundles.js';
import type { LineSetDiff, LogDiff, MissingEvidence, ValueChange } from './diff-types.js';

/** The short, human part of a diff: what a Slack thread or a terminal shows first. */
export interface DiffSummary {
  /** "post-rollback vs baseline". */
  title: string;
  matches: boolean;
  /** Each significant difference, short: "2 new error lines", "NRestarts 0 → 3". */
  items: string[];
  /** What could not be compared, and other caveats. */
  notes: string[];
  /** "post-rollback vs baseline: matches, except: 2 new error lines, NRestarts 0 → 3" (+ a line of notes). */
  text: string;
}

/** The runbook calls the pre-deploy bundle the baseline. */
export function labelName(label: string): string {
  return label === 'pre-deploy' ? 'baseline' : label;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function describeValueChange(change: ValueChange): string {
  return `${change.what} ${change.from ?? 'none'} → ${change.to ?? 'none'}`;
}

function describeLineSet(set: LineSetDiff): string {
  if (set.area === 'hardening')
    return `hardening report: ${plural(set.added.length + set.removed.length, 'check', 'checks')} changed`;
  return `${set.what} changed`;
}

export function summariseDiff(parts: {
  a: BundleRef;
  b: BundleRef;
  logs: readonly LogDiff[];
  values: readonly ValueChange[];
  lineSets: readonly LineSetDiff[];
  missing: readonly MissingEvidence[];
  notes: readonly string[];
}): DiffSummary {
  const title = `${labelName(parts.b.label)} vs ${labelName(parts.a.label)}`;
  const added = parts.logs.reduce((n, l) => n + l.added.length, 0);
  const removed = parts.logs.reduce((n, l) => n + l.removed.length, 0);
  const items = [
    ...(added > 0 ? [plural(added, 'new error line', 'new error lines')] : []),
    ...(removed > 0 ? [`${plural(removed, 'error line', 'error lines')} gone`] : []),
    ...parts.values.filter((v) => v.significant).map(describeValueChange),
    ...parts.lineSets.map(describeLineSet),
  ].map(redactText);
  const labels = { a: labelName(parts.a.label), b: labelName(parts.b.label) };
  const notes = [
    ...parts.missing.map(
      (m) => `not compared: ${m.path} (missing in ${labels[m.missingIn]}${m.reason ? `: ${m.reason}` : ''})`,
    ),
    ...parts.notes,
  ].map(redactText);
  const matches = items.length === 0;
  const headline = matches ? `${title}: matches` : `${title}: matches, except: ${items.join(', ')}`;
  return { title, matches, items, notes, text: [headline, ...notes].join('\n') };
}
