/**
 * The ReplicaSet controller: keeps spec.replicas pods per ReplicaSet (creating from the template, deleting
 * unready and newest pods first) and reports replicas/ready/available in status. Also garbage-collects
 * objects whose controlling owner is gone, as the garbage collector does with background deletion.
 */
import type { EventRecorder } from './event-recorder.js';
import type { ObjectStore } from './object-store.js';
import { randomSuffix } from './pod-template-hash.js';
import type { KubeObject, PodWire, ReplicaSetWire } from './wire-types.js';

export class ReplicaSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly now: () => number = Date.now,
  ) {}

  syncAll(): void {
    this.collectGarbage();
    for (const rs of this.store.list<ReplicaSetWire>('replicasets')) this.sync(rs);
  }

  private sync(rs: ReplicaSetWire): void {
    const namespace = rs.metadata.namespace ?? 'default';
    let pods = this.store
      .list<PodWire>('pods', namespace)
      .filter((p) => controllerUid(p) === rs.metadata.uid);
    const desired = rs.spec.replicas ?? 1;
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i += 1) pods.push(this.createPod(rs));
    } else if (pods.length > desired) {
      const doomed = [...pods].sort(deletionOrder).slice(0, pods.length - desired);
      for (const pod of doomed) {
        this.store.delete('pods', namespace, pod.metadata.name);
        this.events.record(
          rs,
          { component: 'replicaset-controller' },
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
        );
      }
      const gone = new Set(doomed.map((p) => p.metadata.uid));
      pods = pods.filter((p) => !gone.has(p.metadata.uid));
    }
    const ready = pods.filter(isReady);
    const minReadyMs = (rs.spec.minReadySeconds ?? 0) * 1000;
    const available = ready.filter((p) => minReadyMs === 0 || readySince(p) + minReadyMs <= this.now());
    const status: NonNullable<ReplicaSetWire['status']> = {
      replicas: pods.length,
      ...(pods.length ? { fullyLabeledReplicas: pods.length } : {}),
      ...(ready.length ? { readyReplicas: ready.length } : {}),
      ...(available.length ? { availableReplicas: available.length } : {}),
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
      rs.status = status;
      this.store.update('replicasets', rs, { statusOnly: true });
    }
  }

  private createPod(rs: ReplicaSetWire): PodWire {
    const template = structuredClone(rs.spec.template);
    const pod: PodWire = {
      metadata: {
        name: `${rs.metadata.name}-${randomSuffix()}`,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace ?? 'default',
        labels: template.metadata?.labels ?? {},
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        ...template.spec,
        serviceAccountName: 'default',
        serviceAccount: 'default',
        nodeName: 'fake-node',
        enableServiceLinks: true,
        priority: 0,
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    const created = this.store.create('pods', pod);
    this.events.record(
      rs,
      { component: 'replicaset-controller' },
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${created.metadata.name}`,
    );
    return created;
  }

  /** Pods and ReplicaSets whose controller no longer exists are deleted (background cascading deletion). */
  private collectGarbage(): void {
    const owners = new Set<string>();
    for (const resource of ['deployments', 'replicasets']) {
      for (const o of this.store.list(resource)) owners.add(o.metadata.uid ?? '');
    }
    for (const resource of ['replicasets', 'pods']) {
      for (const o of this.store.list(resource)) {
        const uid = controllerUid(o);
        if (uid !== undefined && !owners.has(uid))
          this.store.delete(resource, o.metadata.namespace, o.metadata.name);
      }
    }
  }
}

export function controllerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}

export function isReady(pod: PodWire): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function readySince(pod: PodWire): number {
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  return Date.parse(ready?.lastTransitionTime ?? '') || 0;
}

/** controller.ActivePods ordering, simplified: pending before running, unready before ready, newer first. */
function deletionOrder(a: PodWire, b: PodWire): number {
  const rank = (p: PodWire): number => (p.status.phase === 'Pending' ? 0 : isReady(p) ? 2 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? 0 : ta > tb ? -1 : 1;
}
