import { PermanentError } from '../../../errors/rollback-error.js';
import type { GitopsMirror } from './gitops-mirror.js';
import type { PlannedRevert } from './plan-git-revert.js';

const IDENTITY = ['-c', 'user.name=rollback-bot', '-c', 'user.email=rollback-bot@users.noreply.localhost'];

/**
 * Pushes `head`, a branch holding `git revert` of the planned commits on top of the branch as it is now,
 * to the GitOps repository. Made in a short-lived work tree of the mirror (`git worktree add`), removed
 * afterwards. A branch already there (an earlier attempt of the same job) is left as it is.
 * Returns whether it pushed now.
 */
export async function pushRevertBranch(
  mirror: GitopsMirror,
  revert: PlannedRevert,
  head: string,
  trailer: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const options = { repo: revert.repo, ...(signal ? { signal } : {}) };
  const remote = await mirror.git(
    ['ls-remote', '--heads', '--', revert.repo, `refs/heads/${head}`],
    'ls-remote',
    options,
  );
  if (remote.stdout.trim() !== '') return false;
  const dir = await mirror.sync(revert.repo, signal);
  const work = mirror.scratchDir(revert.repo, head);
  await mirror.run(['-C', dir, 'worktree', 'remove', '--force', work]);
  await mirror.git(
    ['-C', dir, 'worktree', 'add', '--quiet', '--detach', work, `refs/heads/${revert.branch}`],
    'worktree add',
    options,
  );
  try {
    for (const commit of revert.commits) {
      const result = await mirror.run(
        [...IDENTITY, '-C', work, 'revert', '--no-edit', '--no-rerere-autoupdate', commit.sha],
        signal ? { signal } : {},
      );
      if (result.exitCode !== 0) {
        await mirror.run(['-C', work, 'revert', '--abort']);
        throw new PermanentError(
          'gitops_revert_conflict',
          `git revert ${commit.short} does not apply cleanly on ${revert.branch} any more (a later change touches the same lines).`,
          { hint: `Revert it by hand in ${revert.path}.` },
        );
      }
    }
    await mirror.git(
      [...IDENTITY, '-C', work, 'commit', '--quiet', '--amend', '--no-edit', '--trailer', trailer],
      'commit --amend',
      options,
    );
    await mirror.git(
      ['-C', work, 'push', '--quiet', '--', revert.repo, `HEAD:refs/heads/${head}`],
      'push',
      options,
    );
    return true;
  } finally {
    await mirror.run(['-C', dir, 'worktree', 'remove', '--force', work]);
  }
}
