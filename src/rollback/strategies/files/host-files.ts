import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VERSION_PATTERN } from '../../../config/service-schema.js';
import type { HostShell } from '../host/host-shell.js';
import { withSudo } from '../host/with-sudo.js';

export interface Backup {
  name: string;
  /** Modification time, epoch milliseconds. */
  mtimeMs: number;
}

/**
 * File operations a files rollback needs on one host: with Node's fs on the worker itself, or as argv
 * (`find`, `test`, `cp -a`, `rm -rf`, optionally through `sudo -n`) over the host's runner.
 */
export interface HostFiles {
  readonly host: string;
  /** Backups in `dir` that are valid version names, newest first (mtime, then name). */
  listBackups(dir: string): Promise<Backup[]>;
  isDirectory(path: string): Promise<boolean>;
  /** Copies the contents of `from` over `to` (`cp -a from/. to/`), creating `to`. */
  copyContents(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export function hostFiles(shell: HostShell, sudo: boolean): HostFiles {
  return shell.host === 'local' && !sudo ? localFiles() : commandFiles(shell, sudo);
}

function newestFirst(backups: Backup[]): Backup[] {
  return backups
    .filter((b) => VERSION_PATTERN.test(b.name) && !b.name.startsWith('-') && !b.name.startsWith('.'))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name, 'en', { numeric: true }));
}

function localFiles(): HostFiles {
  return {
    host: 'local',
    async listBackups(dir) {
      const entries = await readdir(dir, { withFileTypes: true });
      const dirs = entries.filter((e) => e.isDirectory());
      return newestFirst(
        await Promise.all(
          dirs.map(async (e) => ({ name: e.name, mtimeMs: (await stat(join(dir, e.name))).mtimeMs })),
        ),
      );
    },
    async isDirectory(path) {
      return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
    },
    async copyContents(from, to) {
      await mkdir(to, { recursive: true });
      await cp(from, to, { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true });
    },
    async remove(path) {
      await rm(path, { recursive: true, force: true });
    },
  };
}

function commandFiles(shell: HostShell, sudo: boolean): HostFiles {
  const argv = (...args: string[]) => withSudo(args, sudo);
  return {
    host: shell.host,
    async listBackups(dir) {
      const result = await shell.run(
        argv('find', dir, '-mindepth', '1', '-maxdepth', '1', '-type', 'd', '-printf', '%T@\\t%f\\n'),
        {
          purpose: `list the backups in ${dir}`,
        },
      );
      return newestFirst(
        result.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [time = '0', ...name] = line.split('\t');
            return { name: name.join('\t'), mtimeMs: Number(time) * 1000 };
          }),
      );
    },
    async isDirectory(path) {
      return (await shell.probe(argv('test', '-d', path))).exitCode === 0;
    },
    async copyContents(from, to) {
      await shell.run(argv('mkdir', '-p', '--', to), { purpose: `create ${to}` });
      await shell.run(argv('cp', '-a', '--', `${from}/.`, `${to}/`), { purpose: `copy ${from} over ${to}` });
    },
    async remove(path) {
      await shell.run(argv('rm', '-rf', '--', path), { purpose: `remove ${path}` });
    },
  };
}
