import type { RollbackStep } from '../../step.js';
import { forEachHost } from '../host/for-each-host.js';
import { hostShell } from '../host/host-shell.js';
import { GitRepository } from './git-repository.js';
import type { GitStepOptions } from './git-step-options.js';

/** Reports what each host has checked out now. Read-only. */
export function createGitIdentifyStep({ git, target, hosts, parallel, deps }: GitStepOptions): RollbackStep {
  return {
    id: 'identify',
    title: 'Identify the checked-out version',
    async run(ctx) {
      await forEachHost(
        hosts,
        parallel,
        async (host) => {
          const repo = new GitRepository(hostShell(deps, host, ctx.signal), git.path);
          const head = await repo.head();
          const label = (await repo.exactTag(git.tagPattern, head)) ?? 'untagged';
          await ctx.detail(`${repo.shell.host}: ${git.path} at ${label} (${head.slice(0, 7)})`);
        },
        ctx.signal,
      );
      return {
        summary: `${target.fromLabel} → ${target.version} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}`,
      };
    },
  };
}
