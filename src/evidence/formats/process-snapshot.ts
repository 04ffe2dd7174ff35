/** One process of a service at the time of the snapshot; undefined numbers could not be read. */
export interface ProcessSample {
  pid: number;
  ppid: number | undefined;
  /** The command name (`Name:` of /proc/<pid>/status, at most 15 characters). */
  name: string;
  rssKb: number | undefined;
  threads: number | undefined;
  fds: number | undefined;
}

export interface ProcessSnapshot {
  unit: string;
  mainPid: number | undefined;
  controlGroup: string | undefined;
  processes: ProcessSample[];
}

const HEADER = ['pid', 'ppid', 'name', 'rss_kb', 'threads', 'fds'];

/** `process/snapshot.txt`: two comment lines, a header, then one tab-separated line per process. */
export function formatProcessSnapshot(snapshot: ProcessSnapshot): string {
  const cell = (n: number | undefined) => (n === undefined ? '?' : String(n));
  return [
    `# process snapshot of ${snapshot.unit}`,
    `# MainPID=${cell(snapshot.mainPid)} ControlGroup=${snapshot.controlGroup ?? ''}`,
    HEADER.join('\t'),
    ...snapshot.processes.map((p) =>
      [p.pid, cell(p.ppid), p.name.replace(/[\t\n]/g, ' '), cell(p.rssKb), cell(p.threads), cell(p.fds)].join(
        '\t',
      ),
    ),
    '',
  ].join('\n');
}

/** The processes of a `process/snapshot.txt` (lines that do not parse are skipped). */
export function parseProcessSnapshot(text: string): ProcessSample[] {
  const number = (value: string | undefined) =>
    value === undefined || !/^\d+$/.test(value) ? undefined : Number(value);
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('pid\t'))
    .map((line) => line.split('\t'))
    .filter((cells) => cells.length === HEADER.length && /^\d+$/.test(cells[0] ?? ''))
    .map(([pid, ppid, name, rss, threads, fds]) => ({
      pid: Number(pid),
      ppid: number(ppid),
      name: name ?? '?',
      rssKb: number(rss),
      threads: number(threads),
      fds: number(fds),
    }));
}
