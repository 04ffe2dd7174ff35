import { describeError } from '../../errors/rollback-error.js';
import type { GitopsHold, GitopsHolds } from '../ports/gitops-holds.js';
import type { KubernetesClusterFactory } from '../ports/kubernetes-cluster.js';
import { heldField, holdPath, restorePatch } from './cd-object.js';

export interface RestoreOutcome {
  restored: boolean;
  /** A sentence for the person who released: what was put back, or why not and what to do. */
  message: string;
}

/** What the release must not forget: the commits still to revert in Git, and the revert pull request. */
function gitSide(hold: GitopsHold): string {
  const revert = hold.revert;
  if (!revert || revert.commits.length === 0) return '';
  const commits = revert.commits.map((c) => c.short).join(', ');
  return revert.pullRequest
    ? ` It now applies what Git says: make sure the revert pull request ${revert.pullRequest} (reverting ${commits}) is merged.`
    : ` It now applies what Git says: make sure ${commits} are reverted in Git.`;
}

/** Reads the holds for status and API, and restores one exactly on `/rollback release`. */
export class GitopsKeeper {
  constructor(
    private readonly holds: GitopsHolds,
    private readonly clusters: KubernetesClusterFactory,
  ) {}

  get(service: string): Promise<GitopsHold | undefined> {
    return this.holds.get(service);
  }

  /** Puts the original setting back; undefined when nothing is held. A failure keeps the hold recorded. */
  async restore(service: string): Promise<RestoreOutcome | undefined> {
    const hold = await this.holds.get(service);
    if (!hold) return undefined;
    const path = holdPath(hold.kind);
    try {
      const cluster = this.clusters(hold.context);
      const object = await cluster.getCustomObject(hold.ref);
      const patch = restorePatch(hold.kind, hold.original, heldField(object, hold.kind));
      if (patch.length > 0) await cluster.patchCustomObject(hold.ref, patch);
      await this.holds.remove(service);
      const was = hold.original.present ? JSON.stringify(hold.original.value) : 'unset';
      return {
        restored: true,
        message: `GitOps resumed: ${hold.description} has ${path} ${was} again, as before the rollback.${gitSide(hold)}`,
      };
    } catch (error) {
      const { message } = describeError(error);
      return {
        restored: false,
        message: `Could not restore ${hold.description} (${message}). It is still paused: put ${path} back to ${hold.original.present ? JSON.stringify(hold.original.value) : 'unset'} by hand, or release again.`,
      };
    }
  }
}
