import type { V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { isPodReady } from '../pod-status.js';

function time(value: Date | string | undefined): string {
  if (value === undefined) return '';
  return value instanceof Date ? value.toISOString() : value;
}

/** "waiting (CrashLoopBackOff: back-off 40s restarting ...)", "running since …", "terminated (Error, exit code 1)". */
export function describeState(state: V1ContainerState | undefined): string {
  if (state?.waiting) {
    const { reason, message } = state.waiting;
    return `waiting${reason ? ` (${reason}${message ? `: ${message}` : ''})` : ''}`;
  }
  if (state?.running) return `running since ${time(state.running.startedAt)}`;
  if (state?.terminated) {
    const { reason, exitCode, signal, finishedAt } = state.terminated;
    const parts = [reason, `exit code ${exitCode}`, signal ? `signal ${signal}` : undefined].filter(Boolean);
    return `terminated (${parts.join(', ')})${finishedAt ? ` at ${time(finishedAt)}` : ''}`;
  }
  return 'state unknown';
}

/** The lines `kubectl describe pod` would show for one container: state, last termination, restarts. */
export function describeContainer(status: V1ContainerStatus): string[] {
  const lines = [`${status.name}: ${describeState(status.state)}${status.ready ? ', ready' : ', not ready'}`];
  const last = status.lastState?.terminated;
  if (last) {
    const message = last.message ? `: ${last.message.trim().split('\n')[0]}` : '';
    lines.push(
      `  last terminated: ${last.reason ?? 'unknown reason'}, exit code ${last.exitCode}${last.finishedAt ? ` at ${time(last.finishedAt)}` : ''}${message}`,
    );
  }
  if ((status.restartCount ?? 0) > 0) lines.push(`  restarts: ${status.restartCount}`);
  return lines;
}

/** Why a container is unhealthy, in one word for headlines: CrashLoopBackOff, ImagePullBackOff, Error, NotReady. */
export function containerProblem(status: V1ContainerStatus): string | undefined {
  if (status.ready) return undefined;
  return (
    status.state?.waiting?.reason ??
    status.state?.terminated?.reason ??
    (status.state?.running ? 'NotReady' : undefined)
  );
}

/**
 * Pods that are failing: not ready, not being deleted. Crash-looping and image-pull problems come first,
 * then the rest by name, so the pods worth reading are shown when only a few fit.
 */
export function failingPods(pods: readonly V1Pod[]): V1Pod[] {
  const severity = (pod: V1Pod): number => {
    const reasons = (pod.status?.containerStatuses ?? []).map(containerProblem);
    if (reasons.some((r) => r === 'CrashLoopBackOff' || r === 'Error' || r === 'OOMKilled')) return 0;
    if (
      reasons.some(
        (r) => r === 'ImagePullBackOff' || r === 'ErrImagePull' || r === 'CreateContainerConfigError',
      )
    )
      return 1;
    return 2;
  };
  return pods
    .filter((pod) => !pod.metadata?.deletionTimestamp && !isPodReady(pod))
    .sort(
      (a, b) => severity(a) - severity(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );
}
