import { PermanentError } from '../../../errors/rollback-error.js';
import type { JsonPatchOperation, PatchKind } from '../../ports/kubernetes-cluster.js';
import type { RollbackStep, StepContext } from '../../step.js';
import { applySafeImagePatch, applySafeUndoPatch } from './apply-safe/apply-safe-patch.js';
import { computeImagePatch } from './compute-image-patch.js';
import { pausedMessage, undoToReplicaSet } from './compute-undo-patch.js';
import type { KubernetesTarget } from './kubernetes-target.js';
import {
  appliedRecordSchema,
  MEMORY,
  type AppliedRecord,
  type KubernetesStepDeps,
} from './kubernetes-step-deps.js';
import { readDeploymentState, type DeploymentState } from './read-deployment-state.js';
import { revisionOf } from './replica-set-history.js';
import { remedyChange } from './remedies/remedy-change.js';
import { describeTarget, findTargetReplicaSet, isAtTarget } from './target-state.js';

const APPLY_SAFE_NOTE =
  '; kubectl.kubernetes.io/last-applied-configuration now matches it, so a later kubectl apply of the restored manifest changes nothing';

interface Change {
  patch: JsonPatchOperation[] | Record<string, unknown>;
  kind: PatchKind;
  description: string;
}

/**
 * The patch for the current state. The undo patch is kubectl's, preceded by a JSON Patch `test` of the
 * resourceVersion just read: if the Deployment changes between our read and our write the server refuses
 * it (conflict), the step is retried, re-reads and decides again instead of overwriting that change.
 */
async function changeFor(deps: KubernetesStepDeps, state: DeploymentState): Promise<Change> {
  const { target } = deps;
  if (target.mode === 'restart' || target.mode === 'restore') return remedyChange(deps, target, state);
  if (target.mode === 'image') {
    const result = computeImagePatch(state.deployment, target.container, target.image);
    if (result.kind !== 'patch') {
      throw new PermanentError(
        'container_not_found',
        `${result.kind === 'missing_container' ? result.message : 'nothing to change'} in deployment/${target.deployment}`,
      );
    }
    const safe = applySafeImagePatch(state.deployment, target.container, target.image, result.patch);
    return {
      patch: safe.patch,
      kind: 'strategic',
      description: `set image ${target.container}=${target.image}${safe.rewritten ? APPLY_SAFE_NOTE : ''}`,
    };
  }
  const replicaSet = findTargetReplicaSet(target, state);
  const requested = target.requested === 'previous' ? 0 : target.toRevision;
  const plan = undoToReplicaSet(
    state.deployment,
    { replicaSet, revision: revisionOf(replicaSet) ?? target.toRevision },
    requested,
  );
  if (plan.kind !== 'patch') throw new Error('unreachable: the template already matches');
  const guard: JsonPatchOperation = {
    op: 'test',
    path: '/metadata/resourceVersion',
    value: state.deployment.metadata?.resourceVersion,
  };
  const safe = applySafeUndoPatch(state.deployment, replicaSet.spec?.template, plan.patch);
  return {
    patch: [guard, ...safe.patch],
    kind: 'json',
    description: `rolled back to the template of ${describeTarget(target)}${safe.rewritten ? APPLY_SAFE_NOTE : ''}`,
  };
}

const STEP_TITLES: Record<KubernetesTarget['mode'], string> = {
  image: 'Perform rollback (image)',
  undo: 'Perform rollback (kubectl rollout undo)',
  restart: 'Restart the pods (kubectl rollout restart)',
  restore: 'Restore the Deployment from the pre-check backup',
};

function summaryOf(target: KubernetesTarget): string {
  if (target.mode === 'image') return `image set to ${target.image}`;
  if (target.mode === 'undo') return `rolled back to revision ${target.toRevision}`;
  if (target.mode === 'restart') return 'pods restarted';
  return `restored the backup of ${target.fromJob}`;
}

async function alreadyAtTarget(
  ctx: StepContext,
  applied: AppliedRecord | undefined,
): Promise<{ skipped: true; summary: string }> {
  const summary = 'already at target';
  await ctx.detail(
    applied
      ? `The rollback was already applied at ${applied.at} (before a restart); the Deployment runs the target.`
      : 'The Deployment already runs the target: nothing to change.',
  );
  await ctx.summary(summary);
  return { skipped: true, summary };
}

/** Runbook 3: perform the rollback (undo patch or image patch), once, even across retries and resumes. */
export function rollbackStep(deps: KubernetesStepDeps): RollbackStep {
  const { target, cluster } = deps;
  return {
    id: 'rollback',
    title: STEP_TITLES[target.mode],
    // A cancel never aborts the change half-way: the step finishes and no further step runs.
    interruptible: false,
    async run(ctx) {
      if (ctx.plan.request.dryRun) {
        await ctx.summary('dry run: nothing changed');
        return { skipped: true, summary: 'dry run: nothing changed' };
      }
      const [state, applied] = await Promise.all([
        readDeploymentState(cluster, target, ctx.signal, deps.seen),
        ctx.memory.get(MEMORY.applied, appliedRecordSchema),
      ]);
      if (isAtTarget(target, state)) return alreadyAtTarget(ctx, applied);
      if (applied) {
        throw new PermanentError(
          'deployment_changed',
          `The rollback was applied at ${applied.at}, but deployment/${target.deployment} no longer runs ${describeTarget(target)} ` +
            `(it is at revision ${state.revision ?? '?'}, image ${state.image ?? '?'}): someone changed it since. The bot will not apply it again.`,
          {
            hint: `Check kubectl rollout history deployment/${target.deployment} -n ${target.namespace} and start a new rollback if still needed.`,
          },
        );
      }
      if (state.deployment.spec?.paused) {
        throw new PermanentError('deployment_paused', pausedMessage(target.deployment), {
          hint: `Run kubectl rollout resume deployment/${target.deployment} -n ${target.namespace}, then retry.`,
        });
      }
      const change = await changeFor(deps, state);
      ctx.log.info(
        { deployment: target.deployment, namespace: target.namespace, kind: change.kind },
        'patching deployment',
      );
      const patched = await cluster.patchDeployment(
        target.namespace,
        target.deployment,
        change.patch,
        change.kind,
        ctx.signal,
      );
      const record: AppliedRecord = {
        at: ctx.now().toISOString(),
        mode: target.mode,
        ...(patched.metadata?.resourceVersion ? { resourceVersion: patched.metadata.resourceVersion } : {}),
        ...(patched.metadata?.generation !== undefined ? { generation: patched.metadata.generation } : {}),
      };
      await ctx.memory.set(MEMORY.applied, record);
      await ctx.detail(
        `Patched deployment/${target.deployment} in ${deps.where}: ${change.description} ` +
          `(generation ${patched.metadata?.generation ?? '?'}, resourceVersion ${patched.metadata?.resourceVersion ?? '?'}).`,
      );
      const summary = summaryOf(target);
      await ctx.summary(summary);
      return { summary };
    },
  };
}
