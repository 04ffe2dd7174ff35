import type { V1Deployment } from '@kubernetes/client-node';

/** kubectl's reason for a Progressing condition whose deadline passed. */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

export interface RolloutStatus {
  state: 'waiting' | 'done' | 'failed';
  /** kubectl's own line (`rollout status`), without the trailing newline. */
  message: string;
  /** Short counts for a step summary: "3/3 updated, 3 available". */
  summary: string;
}

/**
 * kubectl's `DeploymentStatusViewer.Status` (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go):
 * nothing is decided until the controller observed the latest generation; then a ProgressDeadlineExceeded
 * Progressing condition fails; otherwise wait for all replicas updated, old ones gone and updated ones available.
 */
export function rolloutStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? '';
  const status = deployment.status ?? {};
  const specReplicas = deployment.spec?.replicas;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const summary = `${updated}/${specReplicas ?? replicas} updated, ${available} available`;
  const waiting = (message: string): RolloutStatus => ({ state: 'waiting', message, summary });

  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return waiting('Waiting for deployment spec update to be observed...');
  }
  const progressing = (status.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline`, summary };
  }
  if (specReplicas !== undefined && updated < specReplicas) {
    return waiting(
      `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${specReplicas} new replicas have been updated...`,
    );
  }
  if (replicas > updated) {
    return waiting(
      `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    );
  }
  if (available < updated) {
    return waiting(
      `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    );
  }
  return { state: 'done', message: `deployment "${name}" successfully rolled out`, summary };
}
