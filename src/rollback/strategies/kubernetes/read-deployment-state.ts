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

/** Reads the Deployment and its ReplicaSets (listed by the Deployment's selector, kept by owner UID). */
export async function readDeploymentState(
  cluster: KubernetesCluster,
  where: { namespace: string; deployment: string; container: string },
  signal?: AbortSignal,
): Promise<DeploymentState> {
  const deployment = await cluster.getDeployment(where.namespace, where.deployment, signal);
  const selector = toLabelSelector(deployment.spec?.selector);
  const all = await cluster.listReplicaSets(where.namespace, selector, signal);
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
