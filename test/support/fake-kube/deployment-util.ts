/**
 * Helpers mirroring k8s.io/kubernetes/pkg/controller/deployment/util: revisions, replica arithmetic,
 * max surge / max unavailable, and the annotations the controller keeps on ReplicaSets.
 */
import { equalIgnoreHash } from './pod-template-hash.js';
import type { DeploymentWire, ReplicaSetWire } from './wire-types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

const SKIP_COPY = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(rs: ReplicaSetWire): number {
  const value = rs.metadata.annotations?.[REVISION];
  const parsed = value === undefined ? 0 : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : 0;
}

export function maxRevision(replicaSets: ReplicaSetWire[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

export function specReplicas(rs: ReplicaSetWire | undefined): number {
  return rs?.spec.replicas ?? 0;
}

export function sumSpecReplicas(replicaSets: ReplicaSetWire[]): number {
  return replicaSets.reduce((sum, rs) => sum + specReplicas(rs), 0);
}

export function sumStatus(
  replicaSets: ReplicaSetWire[],
  field: 'replicas' | 'readyReplicas' | 'availableReplicas',
): number {
  return replicaSets.reduce((sum, rs) => sum + (rs.status?.[field] ?? 0), 0);
}

/** Oldest first, like controller.ReplicaSetsByCreationTimestamp (ties broken by name). */
export function byCreation(a: ReplicaSetWire, b: ReplicaSetWire): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The ReplicaSet whose template equals the Deployment's (the oldest one if several do). */
export function findNewReplicaSet(
  deployment: DeploymentWire,
  replicaSets: ReplicaSetWire[],
): ReplicaSetWire | undefined {
  return [...replicaSets]
    .sort(byCreation)
    .find((rs) => equalIgnoreHash(rs.spec.template, deployment.spec.template));
}

function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value.replace('%', ''), 10);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** deploymentutil.ResolveFenceposts: [maxSurge, maxUnavailable]; never both zero. */
export function resolveFenceposts(deployment: DeploymentWire): [number, number] {
  const desired = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type === 'Recreate') return [0, 0];
  const rolling = deployment.spec.strategy?.rollingUpdate;
  const surge = scaledValue(rolling?.maxSurge, desired, true);
  const unavailable = scaledValue(rolling?.maxUnavailable, desired, false);
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

export function maxSurge(deployment: DeploymentWire): number {
  return resolveFenceposts(deployment)[0];
}

export function maxUnavailable(deployment: DeploymentWire): number {
  const desired = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type !== 'RollingUpdate' || desired === 0) return 0;
  return Math.min(resolveFenceposts(deployment)[1], desired);
}

/** deploymentutil.NewRSNewReplicas for the RollingUpdate strategy. */
export function newRSNewReplicas(
  deployment: DeploymentWire,
  allRSs: ReplicaSetWire[],
  newRS: ReplicaSetWire,
): number {
  const desired = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type === 'Recreate') return desired;
  const current = sumSpecReplicas(allRSs);
  const maxTotal = desired + maxSurge(deployment);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

/** Copies the Deployment's own annotations onto the ReplicaSet (never removes any). Returns true if changed. */
function copyDeploymentAnnotations(deployment: DeploymentWire, rs: ReplicaSetWire): boolean {
  let changed = false;
  rs.metadata.annotations ??= {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || rs.metadata.annotations[k] === v) continue;
    rs.metadata.annotations[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSetWire, desired: number, max: number): boolean {
  rs.metadata.annotations ??= {};
  const a = rs.metadata.annotations;
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/** deploymentutil.SetNewReplicaSetAnnotations: revision, revision-history and copied annotations. */
export function setNewReplicaSetAnnotations(
  deployment: DeploymentWire,
  rs: ReplicaSetWire,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotations(deployment, rs);
  const annotations = (rs.metadata.annotations ??= {});
  const oldRevision = annotations[REVISION];
  const oldRevisionNumber = oldRevision === undefined ? 0 : Number.parseInt(oldRevision, 10);
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const history = annotations[REVISION_HISTORY];
      annotations[REVISION_HISTORY] = history ? `${history},${oldRevision}` : oldRevision;
    }
  }
  if (!exists) {
    const desired = deployment.spec.replicas ?? 1;
    if (setReplicasAnnotations(rs, desired, desired + maxSurge(deployment))) changed = true;
  }
  return changed;
}

export function setDeploymentRevision(deployment: DeploymentWire, revision: string): boolean {
  deployment.metadata.annotations ??= {};
  if (deployment.metadata.annotations[REVISION] === revision) return false;
  deployment.metadata.annotations[REVISION] = revision;
  return true;
}
