import { VERSION_PATTERN } from '../../../config/service-schema.js';
import type { LocalFiles } from '../../ports/local-files.js';
import type { HostShell } from '../host/host-shell.js';
import { withSudo } from '../host/with-sudo.js';

export interface Backup {
  name: string;
  /** Modification time, epoch milliseconds. */
  mtimeMs: number;
}

/**
 * File operations a files rollback needs on one host: through the LocalFiles port on the worker itself, or as argv
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

/** `local` serves host "local" without sudo; every other host (and sudo) goes through the host's shell. */
export function hostFiles(shell: HostShell, sudo: boolean, local: LocalFiles): HostFiles {
  return shell.host === 'local' && !sudo ? localFiles(local) : commandFiles(shell, sudo);
}

function newestFirst(backups: Backup[]): Backup[] {
  return backups
    .filter((b) => VERSION_PATTERN.test(b.name) && !b.name.startsWith('-') && !b.name.startsWith('.'))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name, 'en', { numeric: true }));
}

function localFiles(local: LocalFiles): HostFiles {
  return {
    host: 'local',
    async listBackups(dir) {
      return newestFirst(await local.listDirectories(dir));
    },
    isDirectory: (path) => local.isDirectory(path),
    copyContents: (from, to) => local.copyContents(from, to),
    remove: (path) => local.remove(path),
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
