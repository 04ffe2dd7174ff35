import type { EvidenceBundle } from '../bundle/read-bundle.js';
import type { LineSetDiff, ValueChange } from './diff-types.js';

export const HARDENING_FILE = 'hardening/report.txt';
const EXPOSURE = /Overall exposure level for \S+: ([\d.]+)\s*([A-Z]+)?/;

/** The overall exposure score and verdict ("9.6 UNSAFE") of a `systemd-analyze security` report. */
export function exposureOf(report: string): string | undefined {
  const match = EXPOSURE.exec(report);
  return match ? [match[1], match[2]].filter(Boolean).join(' ') : undefined;
}

/** The check lines of a report, whitespace collapsed (the column padding changes with the widest name). */
function checkLines(report: string): string[] {
  return report
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && !/^NAME DESCRIPTION/.test(line) && !EXPOSURE.test(line));
}

/** Exposure score change and the checks that appear or disappear. */
export function diffHardening(
  a: EvidenceBundle,
  b: EvidenceBundle,
): { exposure?: ValueChange; lines?: LineSetDiff } {
  const before = a.text(HARDENING_FILE);
  const after = b.text(HARDENING_FILE);
  if (before === undefined || after === undefined) return {};
  const from = exposureOf(before);
  const to = exposureOf(after);
  const was = checkLines(before);
  const now = checkLines(after);
  const added = now.filter((l) => !was.includes(l));
  const removed = was.filter((l) => !now.includes(l));
  return {
    ...(from !== to
      ? { exposure: { area: 'hardening', what: 'exposure', from, to, significant: true } }
      : {}),
    ...(added.length + removed.length > 0
      ? { lines: { what: HARDENING_FILE, area: 'hardening', added, removed } }
      : {}),
  };
}
