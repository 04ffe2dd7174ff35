/** GET pods/{name}/log: the lines set for the container's image, with kubelet's refusals for bad requests. */
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
  const state = pod.status.containerStatuses?.find((s) => s.name === name)?.state ?? {};
  const waiting = state['waiting'] as { reason?: string } | undefined;
  if (pod.status.phase === 'Pending' && waiting) {
    throw badRequest(
      `container "${name}" in pod "${podName}" is waiting to start: ${waiting.reason ?? 'ContainerCreating'}`,
    );
  }
  let lines = kubelet.logsOf(container.image);
  const tail = query.get('tailLines');
  if (tail !== null) {
    const n = Number.parseInt(tail, 10);
    lines = n <= 0 ? [] : lines.slice(-n);
  }
  const limitBytes = query.get('limitBytes');
  const text = lines.map((l) => `${l}\n`).join('');
  return limitBytes === null ? text : text.slice(0, Number.parseInt(limitBytes, 10));
}
