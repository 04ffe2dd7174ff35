import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { KubernetesCluster } from '../../../rollback/ports/kubernetes-cluster.js';
import { toLabelSelector } from '../../../rollback/strategies/kubernetes/label-selector.js';
import {
  controlledReplicaSets,
  revisionOf,
} from '../../../rollback/strategies/kubernetes/replica-set-history.js';

/** Where Kubernetes collectors read: one Deployment through the cluster port. */
export interface KubernetesEvidenceTarget {
  cluster: KubernetesCluster;
  namespace: string;
  deployment: string;
}

export interface DeploymentView {
  deployment: V1Deployment;
  selector: string;
  /** The ReplicaSets the Deployment controls, by revision (oldest first). */
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
}

/**
 * Reads the Deployment, its ReplicaSets and pods once for all the Kubernetes collectors of one bundle
 * (they run at the same time and share the answer).
 */
export function deploymentViewLoader(
  target: KubernetesEvidenceTarget,
): (signal: AbortSignal) => Promise<DeploymentView> {
  let pending: Promise<DeploymentView> | undefined;
  return (signal) => {
    pending ??= (async () => {
      const deployment = await target.cluster.getDeployment(target.namespace, target.deployment, signal);
      const selector = toLabelSelector(deployment.spec?.selector);
      const [replicaSets, pods] = await Promise.all([
        target.cluster.listReplicaSets(target.namespace, selector, signal),
        target.cluster.listPods(target.namespace, selector, signal),
      ]);
      return {
        deployment,
        selector,
        replicaSets: byRevision(controlledReplicaSets(deployment, replicaSets)),
        pods: sortByName(pods),
      };
    })();
    return pending;
  };
}

function sortByName(pods: V1Pod[]): V1Pod[] {
  return [...pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Stable sort: ReplicaSets made in the same second keep kubectl's order, then the revision decides. */
function byRevision(replicaSets: V1ReplicaSet[]): V1ReplicaSet[] {
  return [...replicaSets].sort((a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0));
}
