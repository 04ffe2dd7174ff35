import type { V1Pod } from '@kubernetes/client-node';

/** Running with the Ready condition True. */
export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** "kaizen-7d9f8b6c5-x2kqp: Running, ready" or "...: Pending, not ready (ImagePullBackOff: ...), 4 restarts". */
export function describePod(pod: V1Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses
    .map((s) => s.state?.waiting ?? s.state?.terminated)
    .filter((s) => s?.reason)
    .map((s) => `${s?.reason ?? ''}${s?.message ? `: ${s.message}` : ''}`);
  const restarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const parts = [
    `${pod.metadata?.name ?? '?'}: ${pod.status?.phase ?? 'Unknown'}, ${isPodReady(pod) ? 'ready' : 'not ready'}`,
  ];
  if (waiting.length > 0) parts[0] += ` (${waiting.join('; ')})`;
  if (restarts > 0) parts.push(`${restarts} restarts`);
  return parts.join(', ');
}

/** "3 pods, 2 ready" plus a line per pod. */
export function summarizePods(pods: readonly V1Pod[]): { summary: string; lines: string[] } {
  const ready = pods.filter(isPodReady).length;
  return { summary: `${ready}/${pods.length} pods ready`, lines: pods.map(describePod) };
}
