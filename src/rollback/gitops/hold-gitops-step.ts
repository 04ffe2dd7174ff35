import { z } from 'zod';
import type { GitopsHolds } from '../ports/gitops-holds.js';
import type { KubernetesCluster } from '../ports/kubernetes-cluster.js';
import type { RollbackStep } from '../step.js';
import { heldField, holdPatch, isActive } from './cd-object.js';
import type { PlannedHold } from './plan-gitops-hold.js';

const MEMORY_KEY = 'gitops/held';
const heldSchema = z.object({ at: z.string() });

/**
 * Holds the CD system before the rollback changes anything: the original setting is recorded (in the
 * holds store, before the patch, so a crash in between never loses it), then patched with a test of the
 * value just read. `/rollback release` puts it back.
 */
export function holdGitopsStep(deps: {
  cluster: KubernetesCluster;
  hold: PlannedHold;
  holds: GitopsHolds | undefined;
  context: string | undefined;
  /** The commits of the GitOps repository to revert (recorded with the hold, for the status). */
  revert?: { commits: { short: string; subject: string }[] };
}): RollbackStep {
  const { cluster, hold, holds } = deps;
  return {
    id: 'hold-gitops',
    title: `Pause ${hold.description} (GitOps paused)`,
    interruptible: false,
    async run(ctx) {
      if (ctx.plan.request.dryRun) return { skipped: true, summary: 'dry run: nothing changed' };
      if (await ctx.memory.get(MEMORY_KEY, heldSchema)) return { skipped: true, summary: 'GitOps paused' };
      const object = await cluster.getCustomObject(hold.ref, ctx.signal);
      const field = heldField(object, hold.kind);
      if (!isActive(hold.kind, field)) {
        await ctx.detail(
          `${hold.description} is already paused: nothing to change, nothing to restore later.`,
        );
        await ctx.summary('already paused');
        return { skipped: true, summary: 'already paused' };
      }
      const at = ctx.now().toISOString();
      await holds?.set({
        service: ctx.plan.service,
        jobId: ctx.plan.jobId,
        ...(deps.context ? { context: deps.context } : {}),
        ref: hold.ref,
        kind: hold.kind,
        original: field,
        description: hold.description,
        at,
        ...(deps.revert
          ? { revert: { commits: deps.revert.commits.map(({ short, subject }) => ({ short, subject })) } }
          : {}),
      });
      await cluster.patchCustomObject(hold.ref, holdPatch(hold.kind, field), ctx.signal);
      await ctx.memory.set(MEMORY_KEY, { at });
      const what =
        hold.kind === 'argocd-automated'
          ? `removed spec.syncPolicy.automated (was ${JSON.stringify(field.value)})`
          : `set spec.suspend: true (was ${field.present ? JSON.stringify(field.value) : 'unset'})`;
      await ctx.detail(
        `GitOps paused: ${what} on ${hold.description}. /rollback release restores it exactly.` +
          (holds ? '' : ' (No holds store here: restore it by hand.)'),
      );
      await ctx.summary('GitOps paused');
      return { summary: 'GitOps paused' };
    },
  };
}
