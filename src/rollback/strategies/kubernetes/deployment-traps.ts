import type { V1Pod } from '@kubernetes/client-node';
import type { KubernetesSection } from '../../../config/service-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import { pausedMessage } from './compute-undo-patch.js';
import { POD_TEMPLATE_HASH_LABEL } from './equal-ignore-hash.js';
import { isPodReady } from './pod-status.js';
import type { DeploymentState } from './read-deployment-state.js';
import { rolloutStatus } from './rollout-status.js';

/** `-n prod --context prod-eu`: the flags a person adds to the kubectl commands a hint suggests. */
export function kubectlFlags(section: Pick<KubernetesSection, 'namespace' | 'context'>): string {
  return `-n ${section.namespace}${section.context ? ` --context ${section.context}` : ''}`;
}

/** Waiting reasons of a container that will not come up on its own. */
const FAILING = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function isFailing(pod: V1Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some(
    (s) =>
      FAILING.has(s.state?.waiting?.reason ?? '') ||
      (s.restartCount ?? 0) > 0 ||
      s.state?.terminated !== undefined,
  );
}

/**
 * A rollout someone else is driving right now: the controller has not observed the latest change yet, or
 * the new ReplicaSet is coming up and none of its pods fails. A failing rollout (the usual reason to roll
 * back: pods crash-looping, an image that does not pull) is not a trap: rolling it back is the point.
 */
async function healthyRolloutInProgress(
  cluster: KubernetesCluster,
  state: DeploymentState,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const status = rolloutStatus(state.deployment);
  if (status.state !== 'waiting') return undefined;
  const generation = state.deployment.metadata?.generation ?? 0;
  if (generation > (state.deployment.status?.observedGeneration ?? 0)) {
    return `a change to it (generation ${generation}) has not been picked up by the controller yet`;
  }
  const hash = state.newReplicaSet?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
  if (hash === undefined) return undefined;
  const pods = await cluster.listPods(
    state.deployment.metadata?.namespace ?? '',
    `${POD_TEMPLATE_HASH_LABEL}=${hash}`,
    signal,
  );
  if (pods.some(isFailing)) return undefined;
  return `revision ${state.revision ?? '?'} (${state.image ?? 'its image'}) is rolling out and healthy so far: ${status.summary}, ${pods.filter(isPodReady).length} of ${pods.length} new pods ready`;
}

/**
 * The traps checked before anything else, each a clear refusal before anything changes: a paused
 * Deployment, a rollout someone else is in the middle of.
 */
export async function checkDeploymentTraps(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  state: DeploymentState,
  signal?: AbortSignal,
): Promise<void> {
  const name = section.deployment;
  if (state.deployment.spec?.paused) {
    throw new InputError('deployment_paused', pausedMessage(name), {
      hint: `Someone paused it (kubectl rollout pause). If that pause is over, run kubectl rollout resume deployment/${name} ${kubectlFlags(section)} and try again.`,
    });
  }
  const inProgress = await healthyRolloutInProgress(cluster, state, signal);
  if (inProgress !== undefined) {
    throw new InputError(
      'deployment_rollout_in_progress',
      `deployment/${name} is in the middle of a rollout that is not the bot's: ${inProgress}. Rolling back now would race it; nothing was changed.`,
      {
        hint: `Wait for it (kubectl rollout status deployment/${name} ${kubectlFlags(section)}) and ask again if it goes bad, or ask whoever is deploying to stop.`,
      },
    );
  }
}
