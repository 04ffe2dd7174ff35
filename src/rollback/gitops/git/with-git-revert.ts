import type { ServiceConfig } from '../../../config/service-schema.js';
import type { ResolvedPlan } from '../../strategy.js';
import type { GitopsMirror } from './gitops-mirror.js';
import { planGitRevert } from './plan-git-revert.js';

/**
 * Adds the Git side to a resolved Kubernetes rollback of a service with `gitops.git`: the commits to
 * revert go into the target (the hold, the pull request and the status read them there) and the plan's
 * warnings. Without a mirror (no cache), or for a remedy, the plan is returned as it is.
 */
export async function withGitRevert(
  resolved: ResolvedPlan,
  service: ServiceConfig,
  mirror: GitopsMirror | undefined,
  signal?: AbortSignal,
): Promise<ResolvedPlan> {
  const git = service.gitops?.git;
  const mode = resolved.target['mode'];
  if (!git || !mirror || !service.kubernetes || (mode !== 'image' && mode !== 'undo')) return resolved;
  const plan = await planGitRevert(
    mirror,
    git,
    {
      image: service.kubernetes.image,
      versions: resolved.versions ?? {},
      opensPullRequest: git.pullRequests !== undefined,
    },
    signal,
  );
  return {
    ...resolved,
    target: plan.revert ? { ...resolved.target, revert: plan.revert } : resolved.target,
    warnings: [...(resolved.warnings ?? []), ...plan.warnings],
  };
}
