import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the stand-in executables (ssh, sudo, systemctl, journalctl, record-argv) live. */
export const STANDINS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Invocation {
  tool: string;
  /** "local", or the ssh destination the stand-in ran under. */
  host: string;
  argv: string[];
}

export interface StandinPath {
  /** Environment for LocalCommandRunner's baseEnv: PATH with the stand-ins first, plus their log and state. */
  env: Record<string, string>;
  /** A scratch directory removed by `cleanup` (for repositories, backups...). */
  dir: string;
  /** Every stand-in invocation so far, in order. */
  calls(): Promise<Invocation[]>;
  /** The argv of each invocation of one tool ("systemctl"), optionally on one host. */
  argvOf(tool: string, host?: string): Promise<string[][]>;
  /** Sets a unit's state on a host (active, inactive, failed). */
  setUnitState(host: string, unit: string, state: string): Promise<void>;
  unitState(host: string, unit: string): Promise<string>;
  /** Makes `systemctl <action> <unit>` fail on a host. */
  failAction(host: string, unit: string, action: 'stop' | 'start' | 'restart'): Promise<void>;
  /** Journal lines the unit logs each time it starts on a host. */
  onStartLogs(host: string, unit: string, lines: string[]): Promise<void>;
  /** Adds journal lines dated `secondsAgo` in the past. */
  addJournal(host: string, unit: string, lines: string[], secondsAgo: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Builds a scratch directory and a PATH whose ssh/sudo/systemctl/journalctl are the recording stand-ins. */
export async function standinPath(extraEnv: Record<string, string> = {}): Promise<StandinPath> {
  const dir = await mkdtemp(join(tmpdir(), 'rollback-standins-'));
  const log = join(dir, 'calls.jsonl');
  const state = join(dir, 'state');
  await mkdir(state);
  await writeFile(log, '');
  const hostDir = async (host: string): Promise<string> => {
    const path = join(state, host);
    await mkdir(path, { recursive: true });
    return path;
  };
  const calls = async (): Promise<Invocation[]> =>
    (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Invocation);
  return {
    dir,
    env: {
      PATH: `${STANDINS_DIR}${delimiter}${process.env.PATH ?? ''}`,
      STANDIN_LOG: log,
      STANDIN_STATE: state,
      // The stand-ins are node scripts started by the thousand in a run. Each would parse an extra CA bundle
      // named here (the CI machine names one) at start-up, 40 % of its CPU; they never speak TLS.
      NODE_EXTRA_CA_CERTS: '',
      ...extraEnv,
    },
    calls,
    async argvOf(tool, host) {
      return (await calls())
        .filter((c) => c.tool === tool && (host === undefined || c.host === host))
        .map((c) => c.argv);
    },
    async setUnitState(host, unit, value) {
      await writeFile(join(await hostDir(host), `${unit}.state`), value);
    },
    async unitState(host, unit) {
      return (
        await readFile(join(await hostDir(host), `${unit}.state`), 'utf8').catch(() => 'active')
      ).trim();
    },
    async failAction(host, unit, action) {
      await writeFile(join(await hostDir(host), `${unit}.fail-${action}`), '');
    },
    async onStartLogs(host, unit, lines) {
      await writeFile(join(await hostDir(host), `${unit}.on-start`), `${lines.join('\n')}\n`);
    },
    async addJournal(host, unit, lines, secondsAgo) {
      const t = Math.floor(Date.now() / 1000) - secondsAgo;
      const file = join(await hostDir(host), `${unit}.journal`);
      const old = await readFile(file, 'utf8').catch(() => '');
      await writeFile(file, old + lines.map((l) => `${t}\t${l}\n`).join(''));
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
