import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import { toLabelSelector } from './label-selector.js';
import {
  containerImage,
  controlledReplicaSets,
  findNewReplicaSet,
  revisionOf,
} from './replica-set-history.js';

export interface DeploymentState {
  deployment: V1Deployment;
  /** ReplicaSets controlled by the Deployment (owner UID), oldest first. */
  replicaSets: V1ReplicaSet[];
  /** The ReplicaSet whose template the Deployment runs now, if it exists yet. */
  newReplicaSet: V1ReplicaSet | undefined;
  revision: number | undefined;
  /** The configured container's image in the Deployment's template. */
  image: string | undefined;
  selector: string;
}

/**
 * The Deployment's label selector as one read saw it. A Deployment's selector cannot change (apps/v1), so
 * the steps of one job list what it selects while they read the Deployment again, instead of after.
 */
export interface SeenSelector {
  selector?: string;
}

/**
 * Reads the Deployment and its ReplicaSets (listed by the Deployment's selector, kept by owner UID). With
 * `seen`, the ReplicaSets are listed while the Deployment is read, by the selector seen before; should the
 * Deployment's own differ (deleted and created again), they are listed again by it.
 */
export async function readDeploymentState(
  cluster: KubernetesCluster,
  where: { namespace: string; deployment: string; container: string },
  signal?: AbortSignal,
  seen?: SeenSelector,
): Promise<DeploymentState> {
  const guess = seen?.selector;
  const [deployment, early] = await Promise.all([
    cluster.getDeployment(where.namespace, where.deployment, signal),
    guess === undefined ? undefined : cluster.listReplicaSets(where.namespace, guess, signal),
  ]);
  const selector = toLabelSelector(deployment.spec?.selector);
  if (seen) seen.selector = selector;
  const all =
    early !== undefined && selector === guess
      ? early
      : await cluster.listReplicaSets(where.namespace, selector, signal);
  const replicaSets = controlledReplicaSets(deployment, all);
  return {
    deployment,
    replicaSets,
    newReplicaSet: findNewReplicaSet(deployment, replicaSets),
    revision: revisionOf(deployment),
    image: containerImage(deployment.spec?.template, where.container),
    selector,
  };
}

/** "fake/prod": the cluster's context (from its description "context/namespace") and this namespace. */
export function clusterWhere(cluster: KubernetesCluster, namespace: string): string {
  const context = cluster.description.split('/')[0] ?? cluster.description;
  return `${context}/${namespace}`;
}
