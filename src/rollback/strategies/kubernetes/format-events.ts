import type { CoreV1Event } from '@kubernetes/client-node';

/** "Warning FailedCreate: pods "kaizen-x" is forbidden: ... (x3)", the last `limit` events. */
export function formatEvents(events: readonly CoreV1Event[], limit = 10): string[] {
  return events.slice(-limit).map((e) => {
    const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : '';
    return `${e.type ?? 'Normal'} ${e.reason ?? ''} on ${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}: ${e.message ?? ''}${count}`;
  });
}
