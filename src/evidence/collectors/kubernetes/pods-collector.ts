import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { isPodReady } from '../../../rollback/strategies/kubernetes/pod-status.js';
import { formatPods, type PodSample } from '../../formats/pods-text.js';
import type { EvidenceCollector } from '../evidence-collector.js';
import type { DeploymentView } from './kubernetes-source.js';

export const PODS_PATH = 'kubernetes/pods.txt';

/** `kubernetes/pods.txt`: each pod's phase, readiness and restarts, each container's state and last end. */
export function podsCollector(load: (signal: AbortSignal) => Promise<DeploymentView>): EvidenceCollector {
  return {
    name: 'pods',
    async collect(context) {
      const view = await load(context.signal);
      const samples = view.pods.map(podSample);
      const ready = samples.filter((p) => p.ready).length;
      const header = `pods of deployment ${view.deployment.metadata?.name ?? '?'} (${view.selector}): ${samples.length} pods, ${ready} ready`;
      return { files: [{ path: PODS_PATH, content: formatPods(header, samples) }] };
    },
  };
}

function podSample(pod: V1Pod): PodSample {
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = (pod.spec?.containers ?? []).map((container) => {
    const status = statuses.find((s) => s.name === container.name);
    return {
      name: container.name,
      image: status?.image ?? container.image ?? '-',
      ready: status?.ready ?? false,
      restarts: status?.restartCount ?? 0,
      state: describeState(status?.state),
      last: status?.lastState?.terminated ? describeState(status.lastState) : '-',
    };
  });
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase ?? 'Unknown',
    ready: isPodReady(pod),
    restarts: containers.reduce((sum, c) => sum + c.restarts, 0),
    node: pod.spec?.nodeName ?? '-',
    containers,
  };
}

function describeState(state: V1ContainerState | undefined): string {
  if (state?.running) return 'running';
  if (state?.waiting) return `waiting:${state.waiting.reason ?? 'Unknown'}`;
  if (state?.terminated)
    return `terminated:${state.terminated.reason ?? 'Unknown'}(${state.terminated.exitCode})`;
  return 'unknown';
}
