import type { EvidenceBundle } from '../bundle/read-bundle.js';
import type { LogDiff, LogLineChange } from './diff-types.js';
import { DEFAULT_ERROR_PATTERN, errorLines, normaliseLogLine } from './normalise-log-line.js';

export const JOURNAL_FILE = 'logs/journald.txt';
export const EVENTS_FILE = 'kubernetes/events.txt';
const POD_LOG = /^kubernetes\/logs\/.+\.([^./]+)\.txt$/;

/** The error lines of each log source of a bundle: the journal, pod logs by container, warning events. */
export function logSources(
  bundle: EvidenceBundle,
  pattern: RegExp = DEFAULT_ERROR_PATTERN,
): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  const add = (source: string, lines: string[]) =>
    sources.set(source, [...(sources.get(source) ?? []), ...lines]);
  const journal = bundle.text(JOURNAL_FILE);
  if (journal !== undefined) add('journal', errorLines(journal, pattern));
  for (const path of bundle.paths) {
    const container = POD_LOG.exec(path)?.[1];
    if (container !== undefined) add(`pod logs (${container})`, errorLines(bundle.text(path) ?? '', pattern));
  }
  const events = bundle.text(EVENTS_FILE);
  if (events !== undefined) {
    // time, type, reason, object, message: the time goes, the rest is compared.
    const warnings = events.split('\n').filter((line) => line.split('\t')[1] === 'Warning');
    add(
      'warning events',
      warnings.map((line) => line.split('\t').slice(1).join(' ')),
    );
  }
  return sources;
}

function grouped(lines: readonly string[]): Map<string, LogLineChange> {
  const groups = new Map<string, LogLineChange>();
  for (const line of lines) {
    const normalised = normaliseLogLine(line);
    const group = groups.get(normalised);
    if (group) group.count++;
    else groups.set(normalised, { normalised, example: line.trim(), count: 1 });
  }
  return groups;
}

/** Error lines new in `b` and gone from `a`, per source both bundles have. */
export function diffLogs(a: EvidenceBundle, b: EvidenceBundle, pattern?: RegExp): LogDiff[] {
  const before = logSources(a, pattern);
  const after = logSources(b, pattern);
  const diffs: LogDiff[] = [];
  for (const [source, afterLines] of after) {
    const beforeLines = before.get(source);
    if (beforeLines === undefined) continue;
    const was = grouped(beforeLines);
    const now = grouped(afterLines);
    const added = [...now.values()].filter((g) => !was.has(g.normalised));
    const removed = [...was.values()].filter((g) => !now.has(g.normalised));
    diffs.push({ source, added, removed });
  }
  return diffs;
}
