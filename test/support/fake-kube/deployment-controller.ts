/**
 * The deployment controller (pkg/controller/deployment): ReplicaSets per pod template, revisions, rolling
 * and recreate rollouts, pause, history cleanup and status. Each `syncAll` is one pass over all Deployments;
 * the reconcile loop calls it again after every change, like the real controller's work queue.
 */
import { canonicalJson } from './canonical-json.js';
import { DeploymentRollout } from './deployment-rollout.js';
import {
  calculateStatus,
  deploymentComplete,
  getCondition,
  newCondition,
  omitZeroCounts,
  REASON,
  rolloutStatus,
  setCondition,
} from './deployment-status.js';
import {
  DESIRED_REPLICAS,
  findNewReplicaSet,
  maxRevision,
  newRSNewReplicas,
  REVISION,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  specReplicas,
} from './deployment-util.js';
import type { EventRecorder } from './event-recorder.js';
import type { ObjectStore } from './object-store.js';
import { computePodTemplateHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import type { DeploymentWire, ReplicaSetWire } from './wire-types.js';

export interface ReplicaSetsOfDeployment {
  deployment: DeploymentWire;
  newRS: ReplicaSetWire | undefined;
  oldRSs: ReplicaSetWire[];
}

export class DeploymentController {
  private readonly rollout: DeploymentRollout;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly now: () => number = Date.now,
  ) {
    this.rollout = new DeploymentRollout(store, events);
  }

  syncAll(): void {
    for (const deployment of this.store.list<DeploymentWire>('deployments')) this.sync(deployment);
  }

  private sync(original: DeploymentWire): void {
    const rsList = this.store
      .list<ReplicaSetWire>('replicasets', original.metadata.namespace)
      .filter((rs) =>
        rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === original.metadata.uid),
      );
    const deployment = this.checkPausedConditions(original);
    if (deployment.spec.paused || this.isScalingEvent(deployment, rsList)) {
      this.syncScaleOnly(deployment, rsList);
      return;
    }
    if (deployment.spec.strategy?.type === 'Recreate') {
      this.rolloutRecreate(deployment, rsList);
      return;
    }
    this.rolloutRolling(deployment, rsList);
  }

  private rolloutRolling(original: DeploymentWire, rsList: ReplicaSetWire[]): void {
    const { deployment, newRS, oldRSs } = this.replicaSetsAndSyncRevision(original, rsList, true);
    if (!newRS) return;
    const allRSs = [...oldRSs, newRS];
    const scaled =
      this.rollout.reconcileNewReplicaSet(allRSs, newRS, deployment) ||
      this.rollout.reconcileOldReplicaSets(allRSs, oldRSs, newRS, deployment);
    if (!scaled && deployment.status && deploymentComplete(deployment, deployment.status))
      this.rollout.cleanup(oldRSs, deployment);
    this.syncRolloutStatus(allRSs, newRS, deployment);
  }

  private rolloutRecreate(original: DeploymentWire, rsList: ReplicaSetWire[]): void {
    const found = this.replicaSetsAndSyncRevision(original, rsList, false);
    const { oldRSs } = found;
    let { deployment, newRS } = found;
    const active = oldRSs.filter((rs) => specReplicas(rs) > 0);
    let scaledDown = false;
    for (const rs of active) scaledDown = this.rollout.scaleReplicaSet(rs, 0, deployment) || scaledDown;
    const oldPodsRunning = oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0);
    if (scaledDown || oldPodsRunning) {
      this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, deployment);
      return;
    }
    if (!newRS) ({ deployment, newRS } = this.replicaSetsAndSyncRevision(deployment, rsList, true));
    if (!newRS) return;
    this.rollout.scaleReplicaSet(newRS, deployment.spec.replicas ?? 1, deployment);
    if (deployment.status && deploymentComplete(deployment, deployment.status))
      this.rollout.cleanup(oldRSs, deployment);
    this.syncRolloutStatus([...oldRSs, newRS], newRS, deployment);
  }

  /** dc.sync: scaling only (paused Deployments and replica-count changes); no new ReplicaSet. */
  private syncScaleOnly(original: DeploymentWire, rsList: ReplicaSetWire[]): void {
    const { deployment, newRS, oldRSs } = this.replicaSetsAndSyncRevision(original, rsList, false);
    this.rollout.scale(deployment, newRS, oldRSs);
    if (deployment.spec.paused) this.rollout.cleanup(oldRSs, deployment);
    const allRSs = newRS ? [...oldRSs, newRS] : oldRSs;
    this.writeStatusIfChanged(deployment, calculateStatus(allRSs, newRS, deployment));
  }

  private isScalingEvent(deployment: DeploymentWire, rsList: ReplicaSetWire[]): boolean {
    const desired = String(deployment.spec.replicas ?? 1);
    return rsList.some((rs) => {
      const annotated = rs.metadata.annotations?.[DESIRED_REPLICAS];
      return specReplicas(rs) > 0 && annotated !== undefined && annotated !== desired;
    });
  }

  private checkPausedConditions(deployment: DeploymentWire): DeploymentWire {
    if (deployment.spec.progressDeadlineSeconds === undefined) return deployment;
    const condition = getCondition(deployment.status, 'Progressing');
    if (condition?.reason === REASON.timedOut) return deployment;
    const pausedConditionExists = condition?.reason === REASON.paused;
    const status = (deployment.status ??= {});
    if (deployment.spec.paused && !pausedConditionExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused'));
    } else if (!deployment.spec.paused && pausedConditionExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed'));
    } else {
      return deployment;
    }
    return this.store.update('deployments', deployment, { statusOnly: true });
  }

  /** getAllReplicaSetsAndSyncRevision + getNewReplicaSet. */
  private replicaSetsAndSyncRevision(
    deployment: DeploymentWire,
    rsList: ReplicaSetWire[],
    createIfNotExisted: boolean,
  ): ReplicaSetsOfDeployment {
    const found = findNewReplicaSet(deployment, rsList);
    const oldRSs = rsList.filter((rs) => rs.metadata.uid !== found?.metadata.uid);
    const newRevision = maxRevision(oldRSs) + 1;
    const status = (deployment.status ??= {});
    if (found) {
      let newRS = found;
      const annotationsUpdated = setNewReplicaSetAnnotations(deployment, newRS, newRevision, true);
      const minReadySeconds = deployment.spec.minReadySeconds ?? 0;
      if (annotationsUpdated || (newRS.spec.minReadySeconds ?? 0) !== minReadySeconds) {
        if (minReadySeconds > 0) newRS.spec.minReadySeconds = minReadySeconds;
        else delete newRS.spec.minReadySeconds;
        newRS = this.store.update('replicasets', newRS);
      }
      let needsUpdate = setDeploymentRevision(deployment, newRS.metadata.annotations?.[REVISION] ?? '');
      if (deployment.spec.progressDeadlineSeconds !== undefined && !getCondition(status, 'Progressing')) {
        setCondition(
          status,
          newCondition(
            'Progressing',
            'True',
            REASON.foundNewRS,
            `Found new replica set "${newRS.metadata.name}"`,
          ),
        );
        needsUpdate = true;
      }
      const updated = needsUpdate
        ? this.store.update('deployments', deployment, { statusOnly: true })
        : deployment;
      return { deployment: updated, newRS, oldRSs };
    }
    if (!createIfNotExisted) return { deployment, newRS: undefined, oldRSs };
    return this.createNewReplicaSet(deployment, oldRSs, newRevision);
  }

  private createNewReplicaSet(
    deployment: DeploymentWire,
    oldRSs: ReplicaSetWire[],
    newRevision: number,
  ): ReplicaSetsOfDeployment {
    const namespace = deployment.metadata.namespace ?? 'default';
    let collisionCount = deployment.status?.collisionCount ?? 0;
    let hash = computePodTemplateHash(deployment.spec.template, collisionCount);
    while (this.store.get('replicasets', namespace, `${deployment.metadata.name}-${hash}`)) {
      collisionCount += 1;
      hash = computePodTemplateHash(deployment.spec.template, collisionCount);
    }
    const template = structuredClone(deployment.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = structuredClone(deployment.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSetWire = {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace,
        labels: { ...template.metadata.labels },
        annotations: {},
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: deployment.metadata.name,
            uid: deployment.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        ...(deployment.spec.minReadySeconds ? { minReadySeconds: deployment.spec.minReadySeconds } : {}),
        selector,
        template,
      },
      status: { replicas: 0 },
    };
    const newReplicas = newRSNewReplicas(deployment, [...oldRSs, rs], rs);
    rs.spec.replicas = newReplicas;
    setNewReplicaSetAnnotations(deployment, rs, newRevision, false);
    const created = this.store.create('replicasets', rs);
    if (newReplicas > 0) {
      this.events.record(
        deployment,
        { component: 'deployment-controller' },
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`,
      );
    }
    setDeploymentRevision(deployment, String(newRevision));
    const status = (deployment.status ??= {});
    if (collisionCount > 0) status.collisionCount = collisionCount;
    if (deployment.spec.progressDeadlineSeconds !== undefined) {
      setCondition(
        status,
        newCondition(
          'Progressing',
          'True',
          REASON.newRSCreated,
          `Created new replica set "${created.metadata.name}"`,
        ),
      );
    }
    const updated = this.store.update('deployments', deployment, { statusOnly: true });
    return { deployment: updated, newRS: created, oldRSs };
  }

  private syncRolloutStatus(
    allRSs: ReplicaSetWire[],
    newRS: ReplicaSetWire | undefined,
    deployment: DeploymentWire,
  ): void {
    this.writeStatusIfChanged(deployment, rolloutStatus(allRSs, newRS, deployment, this.now()));
  }

  private writeStatusIfChanged(deployment: DeploymentWire, status: DeploymentWire['status'] & object): void {
    const wire = omitZeroCounts(status);
    if (canonicalJson(wire, true) === canonicalJson(deployment.status, true)) return;
    deployment.status = wire;
    this.store.update('deployments', deployment, { statusOnly: true });
  }
}
