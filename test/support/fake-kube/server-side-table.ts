/**
 * Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (`Accept: application/json;as=Table;...`),
 * with the columns kube-apiserver's printers give Deployments, ReplicaSets, Pods, Events and Namespaces.
 */
import type { DeploymentWire, EventWire, KubeObject, PodWire, ReplicaSetWire } from './wire-types.js';

interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: string;
  priority?: number;
  cell: (object: never, now: number) => string | number;
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  cell: (o: KubeObject) => o.metadata.name,
};
const AGE: Column = {
  name: 'Age',
  type: 'string',
  cell: (o: KubeObject, now) => age(o.metadata.creationTimestamp, now),
};

function workloadColumns(): Column[] {
  const containers = (o: DeploymentWire | ReplicaSetWire): string =>
    o.spec.template.spec.containers.map((c) => c.name).join(',');
  const images = (o: DeploymentWire | ReplicaSetWire): string =>
    o.spec.template.spec.containers.map((c) => c.image).join(',');
  const selector = (o: DeploymentWire | ReplicaSetWire): string =>
    Object.entries(o.spec.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return [
    { name: 'Containers', type: 'string', priority: 1, cell: containers },
    { name: 'Images', type: 'string', priority: 1, cell: images },
    { name: 'Selector', type: 'string', priority: 1, cell: selector },
  ];
}

const COLUMNS: Record<string, Column[]> = {
  deployments: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (d: DeploymentWire) => `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (d: DeploymentWire) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (d: DeploymentWire) => d.status?.availableReplicas ?? 0 },
    AGE,
    ...workloadColumns(),
  ],
  replicasets: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (r: ReplicaSetWire) => r.spec.replicas ?? 1 },
    { name: 'Current', type: 'integer', cell: (r: ReplicaSetWire) => r.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (r: ReplicaSetWire) => r.status?.readyReplicas ?? 0 },
    AGE,
    ...workloadColumns(),
  ],
  pods: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (p: PodWire) =>
        `${(p.status.containerStatuses ?? []).filter((c) => c.ready).length}/${p.spec.containers.length}`,
    },
    { name: 'Status', type: 'string', cell: (p: PodWire) => podStatus(p) },
    { name: 'Restarts', type: 'string', cell: (p: PodWire, now) => restarts(p, now) },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (p: PodWire) => p.status.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (p: PodWire) => p.spec.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  events: [
    { name: 'Last Seen', type: 'string', cell: (e: EventWire, now) => lastSeen(e, now) },
    { name: 'Type', type: 'string', cell: (e: EventWire) => e.type },
    { name: 'Reason', type: 'string', cell: (e: EventWire) => e.reason },
    {
      name: 'Object',
      type: 'string',
      cell: (e: EventWire) => `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
    },
    {
      name: 'Subobject',
      type: 'string',
      priority: 1,
      cell: (e: EventWire) => e.involvedObject.fieldPath ?? '',
    },
    {
      name: 'Source',
      type: 'string',
      priority: 1,
      cell: (e: EventWire) => [e.source.component, e.source.host].filter(Boolean).join(', '),
    },
    { name: 'Message', type: 'string', cell: (e: EventWire) => e.message.trim() },
    {
      name: 'First Seen',
      type: 'string',
      priority: 1,
      cell: (e: EventWire, now) => age(e.firstTimestamp, now),
    },
    { name: 'Count', type: 'string', priority: 1, cell: (e: EventWire) => String(e.count) },
    { name: 'Name', type: 'string', priority: 1, cell: (e: EventWire) => e.metadata.name },
  ],
  namespaces: [NAME, { name: 'Status', type: 'string', cell: () => 'Active' }, AGE],
  secrets: [
    NAME,
    { name: 'Type', type: 'string', cell: (o: KubeObject) => String(o['type'] ?? 'Opaque') },
    { name: 'Data', type: 'integer', cell: (o: KubeObject) => keyCount(o['data']) },
    AGE,
  ],
  configmaps: [
    NAME,
    {
      name: 'Data',
      type: 'integer',
      cell: (o: KubeObject) => keyCount(o['data']) + keyCount(o['binaryData']),
    },
    AGE,
  ],
};

function keyCount(map: unknown): number {
  return map && typeof map === 'object' ? Object.keys(map).length : 0;
}

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('as=Table');
}

/** A Table of the objects (one for a GET of a single object); undefined for resources with no printer. */
export function toTable(
  resource: string,
  objects: KubeObject[],
  resourceVersion: string,
  now = Date.now(),
): unknown {
  const columns = COLUMNS[resource];
  if (!columns) return undefined;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => (c.cell as (object: KubeObject, now: number) => string | number)(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

function podStatus(pod: PodWire): string {
  let reason: string = pod.status.phase;
  for (const status of pod.status.containerStatuses ?? []) {
    const waiting = status.state['waiting'] as { reason?: string } | undefined;
    const terminated = status.state['terminated'] as { reason?: string } | undefined;
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
  }
  if (pod.metadata['deletionTimestamp']) reason = 'Terminating';
  return reason;
}

function restarts(pod: PodWire, now: number): string {
  const statuses = pod.status.containerStatuses ?? [];
  const count = statuses.reduce((sum, s) => sum + s.restartCount, 0);
  const finished = statuses
    .map((s) => (s.lastState['terminated'] as { finishedAt?: string } | undefined)?.finishedAt)
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  return finished && count > 0 ? `${count} (${age(finished, now)} ago)` : String(count);
}

function lastSeen(event: EventWire, now: number): string {
  const last = age(event.lastTimestamp, now);
  return event.count > 1 ? `${last} (x${event.count} over ${age(event.firstTimestamp, now)})` : last;
}

/** apimachinery's duration.HumanDuration. */
export function age(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.floor((now - Date.parse(timestamp)) / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}
