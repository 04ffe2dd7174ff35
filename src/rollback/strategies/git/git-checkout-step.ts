import { z } from 'zod';
import { PermanentError, RollbackError } from '../../../errors/rollback-error.js';
import type { RollbackStep } from '../../step.js';
import { forEachHost } from '../host/for-each-host.js';
import { hostShell } from '../host/host-shell.js';
import { gitArgv } from './git-argv.js';
import { GitRepository } from './git-repository.js';
import { previousShaKey, type GitStepOptions } from './git-step-options.js';

/**
 * `git -C <path> checkout --detach <sha> --` on each host. Skips a host already at the target (a resumed
 * job); records the commit it replaces in job memory first.
 */
export function createGitCheckoutStep({ git, target, hosts, parallel, deps }: GitStepOptions): RollbackStep {
  return {
    id: 'checkout',
    // A change half-applied by a cancel would leave the host in an unknown state: let it finish.
    interruptible: false,
    title: `Check out ${target.version}`,
    async run(ctx) {
      let changed = 0;
      await forEachHost(
        hosts,
        parallel,
        async (host, progress) => {
          const repo = new GitRepository(hostShell(deps, host, ctx.signal), git.path);
          const head = await repo.head();
          if (head === target.sha) {
            await ctx.detail(`${repo.shell.host}: already at ${target.version} (${head.slice(0, 7)})`);
            return;
          }
          if ((await ctx.memory.get(previousShaKey(repo.shell.host), z.string())) === undefined) {
            await ctx.memory.set(previousShaKey(repo.shell.host), head);
          }
          try {
            await repo.shell.run(gitArgv(git.path, 'checkout', '--quiet', '--detach', target.sha, '--'), {
              purpose: `check out ${target.version}`,
            });
          } catch (error) {
            if (!(error instanceof RollbackError) || error.code === 'cancelled') throw error;
            const done = progress.completed;
            throw new PermanentError(
              'checkout_failed',
              `${error.message}; ${repo.shell.host} is still at ${head.slice(0, 7)}` +
                (done.length > 0
                  ? `, while ${done.join(', ')} already moved to ${target.version}`
                  : ', no host was changed'),
              {
                cause: error,
                details: error.details,
                hint:
                  `Fix the cause on ${repo.shell.host} (see details) and retry the rollback` +
                  (done.length > 0
                    ? `, or put ${done.join(', ')} back with \`git -C ${git.path} checkout --detach ${target.fromSha} --\`.`
                    : '.'),
              },
            );
          }
          changed++;
          await ctx.detail(
            `${repo.shell.host}: ${head.slice(0, 7)} → ${target.version} (${target.sha.slice(0, 7)})`,
          );
        },
        ctx.signal,
      );
      const where = `${hosts.length} host${hosts.length === 1 ? '' : 's'}`;
      return changed === 0
        ? { skipped: true, summary: `already at ${target.version} on ${where}` }
        : { summary: `${target.version} checked out on ${where}` };
    },
  };
}
