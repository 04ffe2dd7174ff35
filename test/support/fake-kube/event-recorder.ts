import { kubeTime } from './kube-time.js';
import type { ObjectStore } from './object-store.js';
import type { EventWire, KubeObject } from './wire-types.js';

export interface EventSource {
  component: string;
  host?: string;
}

/**
 * Records core/v1 Events like client-go's event recorder: one Event per (object, type, reason, message,
 * source); a repeat bumps `count` and `lastTimestamp` instead of creating a new Event.
 */
export class EventRecorder {
  private sequence = 0n;

  constructor(private readonly store: ObjectStore) {}

  record(
    involved: KubeObject,
    source: EventSource,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    fieldPath?: string,
  ): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const now = kubeTime();
    const existing = this.store
      .list<EventWire>('events', namespace)
      .find(
        (e) =>
          e.involvedObject.uid === involved.metadata.uid &&
          e.reason === reason &&
          e.message === message &&
          e.type === type &&
          e.source.component === source.component &&
          e.involvedObject.fieldPath === fieldPath,
      );
    if (existing) {
      existing.count += 1;
      existing.lastTimestamp = now;
      this.store.update('events', existing);
      return;
    }
    const event: EventWire = {
      metadata: { name: `${involved.metadata.name}.${this.nextSuffix()}`, namespace },
      involvedObject: {
        kind: involved.kind ?? '',
        namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid ?? '',
        apiVersion: involved.apiVersion ?? '',
        resourceVersion: involved.metadata.resourceVersion ?? '',
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.create('events', event);
  }

  /** client-go names events `<object>.<unix nanoseconds in hex>`, so names sort chronologically. */
  private nextSuffix(): string {
    this.sequence += 1n;
    return (BigInt(Date.now()) * 1_000_000n + (this.sequence % 1_000_000n)).toString(16);
  }
}
