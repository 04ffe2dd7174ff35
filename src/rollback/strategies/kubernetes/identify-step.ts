import type { RollbackStep } from '../../step.js';
import { describeVersion } from './describe-image.js';
import type { KubernetesStepDeps } from './kubernetes-step-deps.js';
import { readDeploymentState } from './read-deployment-state.js';
import { describeTarget, findTargetReplicaSet, isAtTarget } from './target-state.js';

/** Runbook 1: identify current and target versions. Reads only. */
export function identifyStep(deps: KubernetesStepDeps): RollbackStep {
  const { target, cluster } = deps;
  return {
    id: 'identify',
    title: 'Identify current and target versions',
    async run(ctx) {
      const state = await readDeploymentState(cluster, target, ctx.signal, deps.seen);
      const status = state.deployment.status;
      await ctx.detail(
        `Current: deployment/${target.deployment} in ${deps.where} at revision ${state.revision ?? '?'}, ` +
          `container ${target.container} image ${state.image ?? 'none'} (ReplicaSet ${state.newReplicaSet?.metadata?.name ?? 'none'}, ` +
          `${status?.readyReplicas ?? 0}/${state.deployment.spec?.replicas ?? 0} ready)`,
      );
      if (target.mode === 'undo') findTargetReplicaSet(target, state);
      await ctx.detail(`Target: ${describeTarget(target)}`);
      if (state.revision !== target.from.revision || state.image !== target.from.image) {
        await ctx.detail(
          `Note: the Deployment changed since the rollback was planned (then ${describeVersion(target.from.image, target.from.revision)}, ` +
            `now ${describeVersion(state.image, state.revision)}).`,
        );
      }
      if (isAtTarget(target, state)) await ctx.detail('The Deployment already runs the target.');
      const summary = `${ctx.plan.from} → ${ctx.plan.to}`;
      await ctx.summary(summary);
      return { summary };
    },
  };
}
