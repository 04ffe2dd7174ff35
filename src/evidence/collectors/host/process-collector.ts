import { formatProcessSnapshot, type ProcessSample } from '../../formats/process-snapshot.js';
import type { CollectorContext, EvidenceCollector } from '../evidence-collector.js';
import { maybeSudo, requireUnit, runOnHost, type HostEvidenceTarget } from './host-command.js';

export const PROCESS_SNAPSHOT_PATH = 'process/snapshot.txt';
/** cgroup v2 (unified), then the v1 systemd hierarchy and the hybrid layout. */
export const DEFAULT_CGROUP_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'];
const MAX_PROCESSES = 64;

export interface ProcessCollectorOptions {
  /** Where cgroup hierarchies are mounted on the host; default {@link DEFAULT_CGROUP_ROOTS}. */
  cgroupRoots?: readonly string[];
  /** Where /proc is; default "/proc". */
  procRoot?: string;
}

/**
 * `process/snapshot.txt`: memory (VmRSS), threads and open file descriptors of each process of the unit.
 * The processes are those of the unit's control group (`systemctl show -p ControlGroup`), or its MainPID
 * when the cgroup cannot be read; each is read from /proc with separate argv runs (`cat`, `ls -1`), no shell.
 */
export function processCollector(
  target: HostEvidenceTarget,
  options: ProcessCollectorOptions = {},
): EvidenceCollector {
  const roots = options.cgroupRoots ?? DEFAULT_CGROUP_ROOTS;
  const proc = options.procRoot ?? '/proc';
  return {
    name: 'process',
    async collect(context) {
      const unit = requireUnit(target);
      const show = await runOnHost(
        target,
        ['systemctl', 'show', '-p', 'MainPID', '-p', 'ControlGroup', unit],
        context,
      );
      const properties = parseProperties(show.stdout);
      const mainPid = positive(properties.get('MainPID'));
      const controlGroup = properties.get('ControlGroup') || undefined;
      const warnings: string[] = [];
      let pids = controlGroup === undefined ? [] : await cgroupPids(target, roots, controlGroup, context);
      if (pids.length === 0 && mainPid !== undefined) pids = [mainPid];
      if (pids.length > MAX_PROCESSES) {
        warnings.push(`${pids.length} processes; the first ${MAX_PROCESSES} are in the snapshot`);
        pids = pids.slice(0, MAX_PROCESSES);
      }
      const processes = pids.length === 0 ? [] : await readProcesses(target, proc, pids, context, warnings);
      const content = formatProcessSnapshot({ unit, mainPid, controlGroup, processes });
      return { files: [{ path: PROCESS_SNAPSHOT_PATH, content }], warnings };
    },
  };
}

function parseProperties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) map.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return map;
}

function positive(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

async function cgroupPids(
  target: HostEvidenceTarget,
  roots: readonly string[],
  controlGroup: string,
  context: CollectorContext,
): Promise<number[]> {
  if (!controlGroup.startsWith('/') || controlGroup.split('/').includes('..')) return [];
  for (const root of roots) {
    const result = await target.runner.run(['cat', `${root}${controlGroup}/cgroup.procs`], {
      timeoutMs: context.timeoutMs,
      signal: context.signal,
    });
    if (result.exitCode === 0) {
      return [
        ...new Set(
          result.stdout
            .split('\n')
            .map(positive)
            .filter((p): p is number => p !== undefined),
        ),
      ];
    }
  }
  return [];
}

async function readProcesses(
  target: HostEvidenceTarget,
  proc: string,
  pids: readonly number[],
  context: CollectorContext,
  warnings: string[],
): Promise<ProcessSample[]> {
  // cat and ls go on past files they cannot read: the exit code says some failed, the output has the rest.
  const status = await runOnHost(
    target,
    ['cat', ...pids.map((p) => `${proc}/${p}/status`)],
    context,
    () => true,
  );
  const fdDirs = pids.map((p) => `${proc}/${p}/fd`);
  const fds = await runOnHost(target, maybeSudo(target, ['ls', '-1', ...fdDirs]), context, () => true);
  const statuses = parseStatuses(status.stdout);
  const fdCounts = parseFdListing(fds.stdout, fdDirs, fds.exitCode === 0);
  const samples: ProcessSample[] = [];
  pids.forEach((pid, i) => {
    const fields = statuses.get(pid);
    if (fields === undefined) {
      warnings.push(`process ${pid} ended before it could be read`);
      return;
    }
    const fdCount = fdCounts.get(fdDirs[i] ?? '');
    if (fdCount === undefined) warnings.push(`open files of process ${pid} could not be listed`);
    samples.push({
      pid,
      ppid: positive(fields.get('PPid')) ?? (fields.get('PPid') === '0' ? 0 : undefined),
      name: fields.get('Name') ?? '?',
      rssKb: positive(fields.get('VmRSS')?.replace(/\s*kB$/, '')),
      threads: positive(fields.get('Threads')),
      fds: fdCount,
    });
  });
  return samples;
}

/** /proc/<pid>/status files one after another: each starts with `Name:` and has a `Pid:` line. */
function parseStatuses(text: string): Map<number, Map<string, string>> {
  const byPid = new Map<number, Map<string, string>>();
  let current = new Map<string, string>();
  const flush = () => {
    const pid = positive(current.get('Pid'));
    if (pid !== undefined) byPid.set(pid, current);
  };
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    if (key === 'Name') {
      flush();
      current = new Map();
    }
    current.set(key, line.slice(at + 1).trim());
  }
  flush();
  return byPid;
}

/**
 * `ls -1 dir...`: for one directory just its entries; for several, a `dir:` line before each listing. A
 * directory ls could not open has no listing (undefined).
 */
function parseFdListing(text: string, dirs: readonly string[], allRead: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  if (dirs.length === 1) {
    if (allRead) counts.set(dirs[0] as string, text.split('\n').filter((l) => l.trim() !== '').length);
    return counts;
  }
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line.endsWith(':') && dirs.includes(line.slice(0, -1))) {
      current = line.slice(0, -1);
      counts.set(current, 0);
    } else if (current !== undefined && line.trim() !== '') {
      counts.set(current, (counts.get(current) ?? 0) + 1);
    }
  }
  return counts;
}
