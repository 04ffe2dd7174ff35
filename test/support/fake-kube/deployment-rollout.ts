/**
 * Scaling decisions of the deployment controller (rolling.go, sync.go): how far the new ReplicaSet may
 * surge, how far old ones may shrink without dropping below minimum availability, and history cleanup.
 */
import {
  byCreation,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  revisionOf,
  setReplicasAnnotations,
  specReplicas,
  sumSpecReplicas,
  sumStatus,
} from './deployment-util.js';
import type { EventRecorder } from './event-recorder.js';
import type { ObjectStore } from './object-store.js';
import type { DeploymentWire, ReplicaSetWire } from './wire-types.js';

export class DeploymentRollout {
  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  /** Scales a ReplicaSet (in place and in the store); true when its size changed. */
  scaleReplicaSet(rs: ReplicaSetWire, newScale: number, deployment: DeploymentWire): boolean {
    const desired = deployment.spec.replicas ?? 1;
    const oldScale = specReplicas(rs);
    const probe = structuredClone(rs);
    const annotationsNeedUpdate = setReplicasAnnotations(probe, desired, desired + maxSurge(deployment));
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) return false;
    rs.spec.replicas = newScale;
    setReplicasAnnotations(rs, desired, desired + maxSurge(deployment));
    const stored = this.store.update('replicasets', rs);
    rs.metadata = stored.metadata;
    if (!sizeNeedsUpdate) return false;
    const direction = newScale > oldScale ? 'up' : 'down';
    this.events.record(
      deployment,
      { component: 'deployment-controller' },
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`,
    );
    return true;
  }

  reconcileNewReplicaSet(
    allRSs: ReplicaSetWire[],
    newRS: ReplicaSetWire,
    deployment: DeploymentWire,
  ): boolean {
    const desired = deployment.spec.replicas ?? 1;
    if (specReplicas(newRS) === desired) return false;
    if (specReplicas(newRS) > desired) return this.scaleReplicaSet(newRS, desired, deployment);
    return this.scaleReplicaSet(newRS, newRSNewReplicas(deployment, allRSs, newRS), deployment);
  }

  reconcileOldReplicaSets(
    allRSs: ReplicaSetWire[],
    oldRSs: ReplicaSetWire[],
    newRS: ReplicaSetWire,
    deployment: DeploymentWire,
  ): boolean {
    if (sumSpecReplicas(oldRSs) === 0) return false;
    const minAvailable = (deployment.spec.replicas ?? 1) - maxUnavailable(deployment);
    const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = sumSpecReplicas(allRSs) - minAvailable - newRSUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = this.cleanupUnhealthyReplicas(oldRSs, deployment, maxScaledDown);
    const scaledDown = this.scaleDownOldReplicaSets(allRSs, oldRSs, deployment);
    return cleaned + scaledDown > 0;
  }

  /** Old ReplicaSets' unavailable pods go first: they cost no availability. */
  private cleanupUnhealthyReplicas(
    oldRSs: ReplicaSetWire[],
    deployment: DeploymentWire,
    maxCleanup: number,
  ): number {
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= maxCleanup) break;
      const available = rs.status?.availableReplicas ?? 0;
      if (specReplicas(rs) === 0 || specReplicas(rs) === available) continue;
      const scaledDown = Math.min(maxCleanup - total, specReplicas(rs) - available);
      this.scaleReplicaSet(rs, specReplicas(rs) - scaledDown, deployment);
      total += scaledDown;
    }
    return total;
  }

  private scaleDownOldReplicaSets(
    allRSs: ReplicaSetWire[],
    oldRSs: ReplicaSetWire[],
    deployment: DeploymentWire,
  ): number {
    const minAvailable = (deployment.spec.replicas ?? 1) - maxUnavailable(deployment);
    const available = sumStatus(allRSs, 'availableReplicas');
    if (available <= minAvailable) return 0;
    const totalToScaleDown = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= totalToScaleDown) break;
      if (specReplicas(rs) === 0) continue;
      const scaleDown = Math.min(specReplicas(rs), totalToScaleDown - total);
      this.scaleReplicaSet(rs, specReplicas(rs) - scaleDown, deployment);
      total += scaleDown;
    }
    return total;
  }

  /**
   * dc.scale for paused Deployments and replica-count changes: the single active (or newest) ReplicaSet
   * takes the whole count; a saturated new ReplicaSet retires the old ones. (Proportional scaling of several
   * active ReplicaSets is not simulated.)
   */
  scale(deployment: DeploymentWire, newRS: ReplicaSetWire | undefined, oldRSs: ReplicaSetWire[]): void {
    const desired = deployment.spec.replicas ?? 1;
    const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    const newest = [...oldRSs].sort(byCreation).pop();
    const activeOrLatest =
      active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? newest) : undefined;
    if (activeOrLatest) {
      if (specReplicas(activeOrLatest) !== desired) this.scaleReplicaSet(activeOrLatest, desired, deployment);
      return;
    }
    if (newRS && specReplicas(newRS) === desired && (newRS.status?.availableReplicas ?? 0) === desired) {
      for (const rs of oldRSs.filter((r) => specReplicas(r) > 0)) this.scaleReplicaSet(rs, 0, deployment);
    }
  }

  /** cleanupDeployment: keeps at most revisionHistoryLimit scaled-down old ReplicaSets. */
  cleanup(oldRSs: ReplicaSetWire[], deployment: DeploymentWire): void {
    const limit = deployment.spec.revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = oldRSs.filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        specReplicas(rs) === 0 &&
        rs.metadata.generation === rs.status?.observedGeneration,
    );
    const excess = cleanable.length - limit;
    if (excess <= 0) return;
    for (const rs of cleanable.sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, excess)) {
      this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }
}
