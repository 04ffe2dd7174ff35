import { z } from 'zod';
import type { FilesSection } from '../../../config/strategies/files-schema.js';
import { CancelledError, PermanentError } from '../../../errors/rollback-error.js';
import type { HostSpec } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import { forEachHost } from '../host/for-each-host.js';
import { hostShell } from '../host/host-shell.js';
import type { FilesStepDeps } from './files-step-deps.js';
import { preRollbackDir } from './files-section.js';
import type { FilesTarget } from './files-target.js';
import { hostFiles } from './host-files.js';

export interface FilesRestoreStepOptions {
  files: FilesSection;
  target: FilesTarget;
  hosts: readonly HostSpec[];
  parallel: number;
  deps: FilesStepDeps;
}

/**
 * On each host: save the current files to `<backupDir>/.pre-rollback-<jobId>` (so the restore can be
 * undone), then copy the backup over `path`. Job memory records both, so a resumed job neither saves the
 * half-restored files over the real ones nor restores twice.
 */
export function createFilesRestoreStep({
  files,
  target,
  hosts,
  parallel,
  deps,
}: FilesRestoreStepOptions): RollbackStep {
  return {
    id: 'restore',
    // A change half-applied by a cancel would leave the host in an unknown state: let it finish.
    interruptible: false,
    title: `Restore backup ${target.backup}`,
    async run(ctx) {
      const saveDir = preRollbackDir(files, ctx.plan.jobId);
      let changed = 0;
      await forEachHost(
        hosts,
        parallel,
        async (host, progress) => {
          const fs = hostFiles(hostShell(deps, host, ctx.signal), files.sudo, deps.localFiles);
          const key = (what: string) => `files:${fs.host}:${what}`;
          if ((await ctx.memory.get(key('restored'), z.boolean())) === true) {
            await ctx.detail(`${fs.host}: backup ${target.backup} already restored`);
            return;
          }
          try {
            if ((await ctx.memory.get(key('saved'), z.boolean())) !== true) {
              // Not recorded: the files are untouched, so a partial save from a crash can be redone.
              await fs.remove(saveDir);
              if (await fs.isDirectory(files.path)) await fs.copyContents(files.path, saveDir);
              await ctx.memory.set(key('saved'), true);
              await ctx.memory.set(key('saved-to'), saveDir);
              await ctx.detail(`${fs.host}: current files saved to ${saveDir}`);
            }
            await fs.copyContents(target.backupPath, files.path);
          } catch (error) {
            if (error instanceof CancelledError) throw error;
            const done = progress.completed;
            const reason = error instanceof Error ? error.message : String(error);
            throw new PermanentError(
              'restore_failed',
              `restoring ${target.backup} failed on ${fs.host}: ${reason}. The service is stopped there and ${files.path} may be partly restored` +
                (done.length > 0 ? `; ${done.join(', ')} already restored.` : '.'),
              {
                cause: error,
                details: error instanceof PermanentError ? error.details : [],
                hint:
                  `Fix the cause on ${fs.host} (disk space, permissions) and retry the rollback, or put the old files back with ` +
                  `\`cp -a ${saveDir}/. ${files.path}/\` and start the service.`,
              },
            );
          }
          await ctx.memory.set(key('restored'), true);
          changed++;
          await ctx.detail(`${fs.host}: ${target.backupPath} copied over ${files.path}`);
        },
        ctx.signal,
      );
      const where = `${hosts.length} host${hosts.length === 1 ? '' : 's'}`;
      return changed === 0
        ? { skipped: true, summary: `already restored on ${where}` }
        : { summary: `backup ${target.backup} restored on ${where}; previous files in ${saveDir}` };
    },
  };
}
