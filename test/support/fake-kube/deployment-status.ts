/** Deployment status and conditions, computed like the deployment controller's sync.go/progress.go. */
import { maxUnavailable, sumSpecReplicas, sumStatus } from './deployment-util.js';
import { kubeTime } from './kube-time.js';
import type { ConditionWire, DeploymentStatusWire, DeploymentWire, ReplicaSetWire } from './wire-types.js';

export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function newCondition(
  type: string,
  status: ConditionWire['status'],
  reason: string,
  message: string,
): ConditionWire {
  const now = kubeTime();
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(
  status: DeploymentStatusWire | undefined,
  type: string,
): ConditionWire | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** deploymentutil.SetDeploymentCondition: no-op for the same status and reason; moves the condition last. */
export function setCondition(status: DeploymentStatusWire, condition: ConditionWire): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  if (current && current.status === condition.status)
    condition.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
}

export function removeCondition(status: DeploymentStatusWire, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

/** The controller's calculateStatus: counts from the ReplicaSets plus the Available condition. */
export function calculateStatus(
  allRSs: ReplicaSetWire[],
  newRS: ReplicaSetWire | undefined,
  deployment: DeploymentWire,
): DeploymentStatusWire {
  const available = sumStatus(allRSs, 'availableReplicas');
  const total = sumSpecReplicas(allRSs);
  const status: DeploymentStatusWire = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: newRS ? (newRS.status?.replicas ?? 0) : 0,
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: structuredClone(deployment.status?.conditions ?? []),
    ...(deployment.status?.collisionCount !== undefined
      ? { collisionCount: deployment.status.collisionCount }
      : {}),
  };
  const desired = deployment.spec.replicas ?? 1;
  if (available >= desired - maxUnavailable(deployment)) {
    setCondition(
      status,
      newCondition('Available', 'True', REASON.minimumAvailable, 'Deployment has minimum availability.'),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        REASON.minimumUnavailable,
        'Deployment does not have minimum availability.',
      ),
    );
  }
  return status;
}

/** deploymentutil.DeploymentComplete. */
export function deploymentComplete(deployment: DeploymentWire, status: DeploymentStatusWire): boolean {
  const desired = deployment.spec.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1)
  );
}

/** deploymentutil.DeploymentProgressing: did anything move forward since the stored status? */
function deploymentProgressing(deployment: DeploymentWire, status: DeploymentStatusWire): boolean {
  const old = deployment.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** deploymentutil.DeploymentTimedOut. */
function deploymentTimedOut(deployment: DeploymentWire, status: DeploymentStatusWire, now: number): boolean {
  const condition = getCondition(status, 'Progressing');
  if (!condition) return false;
  if (condition.reason === REASON.timedOut) return true;
  if (condition.reason === REASON.newRSAvailable) return false;
  const from = Date.parse(condition.lastUpdateTime ?? '');
  return from + (deployment.spec.progressDeadlineSeconds ?? 600) * 1000 < now;
}

/** syncRolloutStatus: the status with the Progressing condition advanced like the real controller does. */
export function rolloutStatus(
  allRSs: ReplicaSetWire[],
  newRS: ReplicaSetWire | undefined,
  deployment: DeploymentWire,
  now: number,
): DeploymentStatusWire {
  const status = calculateStatus(allRSs, newRS, deployment);
  if (deployment.spec.progressDeadlineSeconds === undefined) {
    removeCondition(status, 'Progressing');
    return status;
  }
  const current = getCondition(deployment.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
  if (complete) return status;
  const rsName = newRS?.metadata.name;
  if (deploymentComplete(deployment, status)) {
    const message = rsName
      ? `ReplicaSet "${rsName}" has successfully progressed.`
      : `Deployment "${deployment.metadata.name}" has successfully progressed.`;
    setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, message));
  } else if (deploymentProgressing(deployment, status)) {
    const message = rsName
      ? `ReplicaSet "${rsName}" is progressing.`
      : `Deployment "${deployment.metadata.name}" is progressing.`;
    const condition = newCondition('Progressing', 'True', REASON.rsUpdated, message);
    if (current) {
      if (current.status === 'True' && current.lastTransitionTime)
        condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
    }
    setCondition(status, condition);
  } else if (deploymentTimedOut(deployment, status, now)) {
    const message = rsName
      ? `ReplicaSet "${rsName}" has timed out progressing.`
      : `Deployment "${deployment.metadata.name}" has timed out progressing.`;
    setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, message));
  }
  return status;
}

/** The wire form: Go's omitempty drops zero counts. */
export function omitZeroCounts(status: DeploymentStatusWire): DeploymentStatusWire {
  const out: DeploymentStatusWire = { ...status };
  for (const k of [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
  ] as const) {
    if (out[k] === 0) delete out[k];
  }
  if (out.conditions?.length === 0) delete out.conditions;
  return out;
}
