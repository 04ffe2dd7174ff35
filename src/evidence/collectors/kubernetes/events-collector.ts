import type { CoreV1Event } from '@kubernetes/client-node';
import type { KubernetesCluster } from '../../../rollback/ports/kubernetes-cluster.js';
import type { EvidenceCollector } from '../evidence-collector.js';
import type { DeploymentView } from './kubernetes-source.js';

export const EVENTS_PATH = 'kubernetes/events.txt';
const MAX_REPLICA_SETS = 3;
const MAX_PODS = 20;

/**
 * `kubernetes/events.txt`: recent events of the Deployment, its newest ReplicaSets and its pods, oldest
 * first, one per line: time, type, reason, object, message and count.
 */
export function eventsCollector(
  cluster: KubernetesCluster,
  namespace: string,
  load: (signal: AbortSignal) => Promise<DeploymentView>,
): EvidenceCollector {
  return {
    name: 'events',
    async collect(context) {
      const view = await load(context.signal);
      const objects = [
        { kind: 'Deployment', name: view.deployment.metadata?.name ?? '' },
        ...view.replicaSets
          .slice(-MAX_REPLICA_SETS)
          .map((rs) => ({ kind: 'ReplicaSet', name: rs.metadata?.name ?? '' })),
        ...view.pods.slice(0, MAX_PODS).map((pod) => ({ kind: 'Pod', name: pod.metadata?.name ?? '' })),
      ];
      const warnings: string[] = [];
      const lists = await Promise.all(
        objects.map(({ kind, name }) =>
          cluster.listEvents(namespace, kind, name, context.signal).catch((error: unknown) => {
            warnings.push(
              `events of ${kind} ${name}: ${error instanceof Error ? error.message : String(error)}`,
            );
            return undefined;
          }),
        ),
      );
      if (lists.every((list) => list === undefined))
        throw new Error(warnings[0] ?? 'no events could be read');
      const seen = new Set<string>();
      const events = lists
        .flatMap((list) => list ?? [])
        .filter((e) => {
          const key = e.metadata.uid ?? `${e.involvedObject.name}/${e.reason}/${e.message}`;
          return !seen.has(key) && seen.add(key);
        })
        .sort((a, b) => eventTime(a) - eventTime(b));
      return {
        files: [{ path: EVENTS_PATH, content: `${events.map(formatEvent).join('\n')}\n`, keep: 'tail' }],
        warnings,
      };
    },
  };
}

function eventTime(event: CoreV1Event): number {
  const value = (event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp) as Date | string | undefined;
  const time = value instanceof Date ? value.getTime() : value === undefined ? 0 : Date.parse(value);
  return Number.isNaN(time) ? 0 : time;
}

function formatEvent(event: CoreV1Event): string {
  const at = eventTime(event);
  const when = at === 0 ? '-' : new Date(at).toISOString();
  const count = (event.count ?? 1) > 1 ? ` (x${event.count})` : '';
  const message = (event.message ?? '').replace(/\s+/g, ' ').trim();
  return [
    when,
    event.type ?? 'Normal',
    event.reason ?? '-',
    `${event.involvedObject.kind}/${event.involvedObject.name}`,
    `${message}${count}`,
  ].join('\t');
}
