import type { EvidenceBundle } from '../bundle/read-bundle.js';
import { parseProcessSnapshot, type ProcessSample } from '../formats/process-snapshot.js';
import type { ValueChange } from './diff-types.js';

export const SNAPSHOT_FILE = 'process/snapshot.txt';

/** A change counts when it is at least `ratio` of the old value and at least `absolute`. */
export interface Tolerance {
  ratio: number;
  absolute: number;
}

export interface ProcessTolerances {
  rssKb: Tolerance;
  threads: Tolerance;
  fds: Tolerance;
}

/** Memory grows and shrinks a little all the time: 25% and 8 MiB; threads 25% and 4; fds 25% and 10. */
export const DEFAULT_PROCESS_TOLERANCES: ProcessTolerances = {
  rssKb: { ratio: 0.25, absolute: 8192 },
  threads: { ratio: 0.25, absolute: 4 },
  fds: { ratio: 0.25, absolute: 10 },
};

interface Totals {
  processes: number;
  rssKb: number | undefined;
  threads: number | undefined;
  fds: number | undefined;
}

/** Processes are matched by command name (pids change on every restart); same-named ones are added up. */
function byName(samples: readonly ProcessSample[]): Map<string, Totals> {
  const sum = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined ? undefined : x + y;
  const totals = new Map<string, Totals>();
  for (const s of samples) {
    const t = totals.get(s.name);
    totals.set(
      s.name,
      t === undefined
        ? { processes: 1, rssKb: s.rssKb, threads: s.threads, fds: s.fds }
        : {
            processes: t.processes + 1,
            rssKb: sum(t.rssKb, s.rssKb),
            threads: sum(t.threads, s.threads),
            fds: sum(t.fds, s.fds),
          },
    );
  }
  return totals;
}

function beyond(from: number, to: number, tolerance: Tolerance): boolean {
  const delta = Math.abs(to - from);
  return delta >= tolerance.absolute && delta >= tolerance.ratio * Math.max(from, 1);
}

const MIB = 1024;
const show = (field: keyof ProcessTolerances, value: number | undefined) =>
  value === undefined ? undefined : field === 'rssKb' ? `${(value / MIB).toFixed(1)} MiB` : String(value);
const LABEL: Record<keyof ProcessTolerances, string> = {
  rssKb: 'memory',
  threads: 'threads',
  fds: 'open fds',
};

/** Per command name: process count, memory (RSS), threads and open fds; small changes are not significant. */
export function diffProcesses(
  a: EvidenceBundle,
  b: EvidenceBundle,
  tolerances: ProcessTolerances = DEFAULT_PROCESS_TOLERANCES,
): ValueChange[] {
  const before = a.text(SNAPSHOT_FILE);
  const after = b.text(SNAPSHOT_FILE);
  if (before === undefined || after === undefined) return [];
  const was = byName(parseProcessSnapshot(before));
  const now = byName(parseProcessSnapshot(after));
  const changes: ValueChange[] = [];
  for (const name of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const w = was.get(name);
    const n = now.get(name);
    if (w?.processes !== n?.processes) {
      changes.push({
        area: 'processes',
        what: `${name} processes`,
        from: String(w?.processes ?? 0),
        to: String(n?.processes ?? 0),
        significant: true,
      });
    }
    if (w === undefined || n === undefined) continue;
    for (const field of ['rssKb', 'threads', 'fds'] as const) {
      const from = w[field];
      const to = n[field];
      if (from === to) continue;
      const significant = from !== undefined && to !== undefined && beyond(from, to, tolerances[field]);
      changes.push({
        area: 'processes',
        what: `${LABEL[field]} of ${name}`,
        from: show(field, from),
        to: show(field, to),
        significant,
      });
    }
  }
  return changes;
}
