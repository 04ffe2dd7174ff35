/**
 * GET pods/{name}/log: the lines set for the container's image (`previous=true`: its instance before the last
 * restart), with kubelet's refusals for bad requests.
 */
import { badRequest } from './api-status.js';
import type { FakeKubelet } from './fake-kubelet.js';
import type { PodWire } from './wire-types.js';

export function podLog(pod: PodWire, query: URLSearchParams, kubelet: FakeKubelet): string {
  const podName = pod.metadata.name;
  const names = pod.spec.containers.map((c) => c.name);
  const requested = query.get('container');
  if (!requested && names.length > 1) {
    throw badRequest(
      `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
    );
  }
  const name = requested ?? names[0] ?? '';
  const container = pod.spec.containers.find((c) => c.name === name);
  if (!container) throw badRequest(`container ${name} is not valid for pod ${podName}`);
  const status = pod.status.containerStatuses?.find((s) => s.name === name);
  const previous = ['true', '1'].includes(query.get('previous') ?? '');
  if (previous && (status?.restartCount ?? 0) === 0) {
    throw badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
  }
  const waiting = status?.state['waiting'] as { reason?: string } | undefined;
  if (!previous && pod.status.phase === 'Pending' && waiting) {
    const why = ['ErrImagePull', 'ImagePullBackOff'].includes(waiting.reason ?? '')
      ? 'trying and failing to pull image'
      : (waiting.reason ?? 'ContainerCreating');
    throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${why}`);
  }
  let lines = kubelet.logsOf(container.image, previous);
  const tail = query.get('tailLines');
  if (tail !== null) {
    const n = Number.parseInt(tail, 10);
    lines = n <= 0 ? [] : lines.slice(-n);
  }
  const limitBytes = query.get('limitBytes');
  const text = lines.map((l) => `${l}\n`).join('');
  return limitBytes === null ? text : text.slice(0, Number.parseInt(limitBytes, 10));
}
