import { randomUUID } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { kubeTime } from './kube-time.js';
import { apiVersionOf, resourceTypeByName } from './resource-types.js';
import type { KubeObject } from './wire-types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredChange {
  resourceVersion: number;
  type: WatchEventType;
  resource: string;
  /** The object as it was stored by this change (for DELETED: its last state, with the new resourceVersion). */
  object: KubeObject;
}

/** How many changes the store remembers for watches that resume from a resourceVersion (like etcd compaction). */
const HISTORY_LIMIT = 20_000;

/**
 * An etcd-like store: one global, monotonically increasing resourceVersion; every write returns a deep copy;
 * every change is kept in a bounded history and pushed to subscribers (watch streams, controllers).
 */
export class ObjectStore {
  private revision = 1000;
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoredChange[] = [];
  private readonly listeners = new Set<(change: StoredChange) => void>();
  /** The newest resourceVersion dropped from the history. */
  private compactedThrough = 0;

  get resourceVersion(): string {
    return String(this.revision);
  }

  get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const found = this.objects.get(key(resource, namespace, name));
    return found ? (structuredClone(found) as T) : undefined;
  }

  /** Objects of a resource, in etcd key order (namespace, then name); all namespaces when namespace is undefined. */
  list<T extends KubeObject>(resource: string, namespace?: string): T[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o) as T);
  }

  /** Stores a new object: sets uid, creationTimestamp, resourceVersion, generation, apiVersion and kind. */
  create<T extends KubeObject>(resource: string, object: T): T {
    const type = resourceTypeByName(resource);
    const stored = structuredClone(object);
    const meta = stored.metadata;
    if (this.objects.has(key(resource, meta.namespace, meta.name))) {
      throw new Error(`fake-kube: ${resource} ${meta.namespace}/${meta.name} already exists`);
    }
    stored.apiVersion = apiVersionOf(type);
    stored.kind = type.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    if (resource === 'deployments' || resource === 'replicasets') meta.generation = 1;
    return this.write(resource, stored, 'ADDED');
  }

  /**
   * Replaces a stored object. Server-owned metadata (uid, creationTimestamp) is kept from the stored one;
   * metadata.generation is bumped when the write changes what that resource's generation tracks (not for
   * `statusOnly` writes, which stand for the /status subresource the controllers use).
   */
  update<T extends KubeObject>(resource: string, object: T, options: { statusOnly?: boolean } = {}): T {
    const meta = object.metadata;
    const current = this.objects.get(key(resource, meta.namespace, meta.name));
    if (!current) throw new Error(`fake-kube: ${resource} ${meta.namespace}/${meta.name} does not exist`);
    const stored: KubeObject = structuredClone(object);
    stored.apiVersion = current.apiVersion;
    stored.kind = current.kind;
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (options.statusOnly) {
      stored['spec'] = structuredClone(current['spec']);
      stored.metadata.labels = structuredClone(current.metadata.labels);
      stored.metadata.generation = current.metadata.generation;
    } else if (current.metadata.generation !== undefined) {
      stored.metadata.generation =
        current.metadata.generation + (generationChanged(resource, current, stored) ? 1 : 0);
    }
    if (sameContent(current, stored)) return structuredClone(current) as T;
    return this.write(resource, stored as T, 'MODIFIED');
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const k = key(resource, namespace, name);
    const current = this.objects.get(k);
    if (!current) return undefined;
    this.objects.delete(k);
    this.revision += 1;
    const last = structuredClone(current);
    last.metadata.resourceVersion = String(this.revision);
    this.record({ resourceVersion: this.revision, type: 'DELETED', resource, object: last });
    return structuredClone(last);
  }

  /** Changes after `resourceVersion`, oldest first; undefined when that version was compacted away (410 Gone). */
  changesSince(resourceVersion: number): StoredChange[] | undefined {
    if (resourceVersion < this.compactedThrough) return undefined;
    return this.history.filter((c) => c.resourceVersion > resourceVersion).map((c) => structuredClone(c));
  }

  subscribe(listener: (change: StoredChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write<T extends KubeObject>(resource: string, stored: T, type: WatchEventType): T {
    this.revision += 1;
    stored.metadata.resourceVersion = String(this.revision);
    this.objects.set(key(resource, stored.metadata.namespace, stored.metadata.name), stored);
    this.record({ resourceVersion: this.revision, type, resource, object: structuredClone(stored) });
    return structuredClone(stored);
  }

  private record(change: StoredChange): void {
    this.history.push(change);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.compactedThrough = dropped[dropped.length - 1]?.resourceVersion ?? this.compactedThrough;
    }
    for (const listener of [...this.listeners]) listener(change);
  }
}

function key(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}/${namespace ?? ''}/${name}`;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string =>
    canonicalJson({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return strip(a) === strip(b);
}

/**
 * Deployments bump generation on spec or annotation changes (annotations are copied to ReplicaSets);
 * other resources on spec changes only.
 */
function generationChanged(resource: string, before: KubeObject, after: KubeObject): boolean {
  const specChanged = canonicalJson(before['spec'], true) !== canonicalJson(after['spec'], true);
  if (resource !== 'deployments') return specChanged;
  return (
    specChanged ||
    canonicalJson(before.metadata.annotations, true) !== canonicalJson(after.metadata.annotations, true)
  );
}
