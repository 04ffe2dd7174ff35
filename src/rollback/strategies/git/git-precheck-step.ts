import { PermanentError } from '../../../errors/rollback-error.js';
import type { RollbackStep } from '../../step.js';
import { forEachHost } from '../host/for-each-host.js';
import { hostShell } from '../host/host-shell.js';
import { workTreeModified } from './git-errors.js';
import { GitRepository } from './git-repository.js';
import type { GitStepOptions } from './git-step-options.js';

/** On every host, before anything changes: fetch tags (remote: true), a clean work tree, the target commit present. */
export function createGitPrecheckStep({ git, target, hosts, parallel, deps }: GitStepOptions): RollbackStep {
  return {
    id: 'precheck',
    title: 'Check the work trees',
    async run(ctx) {
      await forEachHost(
        hosts,
        parallel,
        async (host) => {
          const repo = new GitRepository(hostShell(deps, host, ctx.signal), git.path);
          if (git.remote) await repo.fetchTags();
          const modified = await repo.modifiedFiles();
          if (modified.length > 0) throw workTreeModified(repo.shell.host, git.path, modified, 'permanent');
          if ((await repo.commitOf(target.sha)) !== target.sha) {
            throw new PermanentError(
              'target_missing',
              `${target.version} (${target.sha.slice(0, 7)}) is not in ${git.path} on ${repo.shell.host}; nothing was changed`,
              {
                hint: `Fetch it on ${repo.shell.host} (\`git -C ${git.path} fetch --tags origin\`) or set git.remote: true, then retry.`,
              },
            );
          }
          await ctx.detail(`${repo.shell.host}: work tree clean, ${target.version} present`);
        },
        ctx.signal,
      );
      return { summary: `${hosts.length} work tree${hosts.length === 1 ? '' : 's'} ready` };
    },
  };
}
