/** One row of `yum history list <pkg>` (yum 3 and dnf print the same table). */
export interface YumTransaction {
  id: number;
  commandLine: string;
  date: string;
  actions: string;
  altered: number;
}

const ROW = /^\s*(\d+)\s*\|\s*(.*?)\s*\|\s*(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?)\s*\|\s*(.*?)\s*\|\s*(\d+)/;

/** Rows newest first, as yum prints them; header, separator and plugin lines are ignored. */
export function parseYumHistory(stdout: string): YumTransaction[] {
  const rows: YumTransaction[] = [];
  for (const line of stdout.split('\n')) {
    const m = ROW.exec(line);
    if (m)
      rows.push({
        id: Number(m[1]),
        commandLine: m[2] ?? '',
        date: m[3] ?? '',
        actions: m[4] ?? '',
        altered: Number(m[5]),
      });
  }
  return rows.sort((a, b) => b.id - a.id);
}

/** Transactions whose undo goes back to an earlier version of the package (an update or a downgrade). */
export function isUndoable(t: YumTransaction): boolean {
  return /\b(Update|Upgrade|Downgrade|U|D)\b/.test(t.actions);
}

/** `yum list --showduplicates <pkg>`: the installed version and the available ones (in yum's order). */
export function parseYumList(stdout: string, pkg: string): { installed: string | null; available: string[] } {
  let section: 'installed' | 'available' | undefined;
  let installed: string | null = null;
  const available: string[] = [];
  const escaped = pkg.replace(/[.+]/g, '\\$&');
  const row = new RegExp(`^${escaped}\\.\\S+\\s+(\\S+)\\s+\\S+`);
  for (const line of stdout.split('\n')) {
    if (/^Installed Packages/.test(line)) section = 'installed';
    else if (/^Available Packages/.test(line)) section = 'available';
    const version = row.exec(line)?.[1];
    if (version === undefined) continue;
    if (section === 'installed') installed = version;
    else if (section === 'available' && !available.includes(version)) available.push(version);
  }
  return { installed, available };
}

export function describeTransaction(t: YumTransaction): string {
  return `transaction ${t.id}: ${t.actions} (${t.commandLine}), ${t.date}`;
}
