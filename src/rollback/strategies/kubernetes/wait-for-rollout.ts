import type { V1Deployment } from '@kubernetes/client-node';
import type { Logger } from '../../../observability/logger.js';
import { CancelledError, isRetryable } from '../../../errors/rollback-error.js';
import type { KubernetesCluster, WatchHandle } from '../../ports/kubernetes-cluster.js';
import { rolloutStatus, type RolloutStatus } from './rollout-status.js';

export interface RolloutOutcome {
  outcome: 'done' | 'failed' | 'timeout';
  status: RolloutStatus;
  deployment: V1Deployment | undefined;
}

const WATCH_RESTART_MS = 1_000;

/**
 * Follows a Deployment until kubectl's rollout-status decision says done or failed, or `timeoutMs`
 * passes. Watches the Deployment (the watch is opened before the first read, so no change is missed)
 * and re-reads it every `pollIntervalMs` in case the watch stalls; a watch the server closes is reopened.
 */
export async function waitForRollout(options: {
  cluster: KubernetesCluster;
  namespace: string;
  name: string;
  timeoutMs: number;
  pollIntervalMs: number;
  signal: AbortSignal;
  log: Logger;
  onStatus: (status: RolloutStatus) => Promise<void>;
}): Promise<RolloutOutcome> {
  const { cluster, namespace, name, signal, log } = options;
  const deadline = Date.now() + options.timeoutMs;
  let pending: V1Deployment | undefined;
  let last: V1Deployment | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let watch: WatchHandle | undefined;
  let watchStartedAt = 0;
  const startWatch = async (): Promise<void> => {
    watchStartedAt = Date.now();
    try {
      const handle = await cluster.watchDeployment(namespace, name, (deployment) => {
        pending = deployment;
        notify();
      });
      watch = handle;
      const ended = (error?: unknown): void => {
        if (error)
          log.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'deployment watch failed',
          );
        if (watch === handle) watch = undefined;
        notify();
      };
      handle.done.then(() => ended(), ended);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      log.warn({ err: error.message }, 'cannot watch the deployment, polling meanwhile');
    }
  };
  signal.addEventListener('abort', notify);
  let status: RolloutStatus = {
    state: 'waiting',
    message: 'Waiting for deployment spec update to be observed...',
    summary: '',
  };
  let lastMessage: string | undefined;
  let lastPoll = 0;
  try {
    await startWatch();
    for (;;) {
      if (signal.aborted) throw new CancelledError();
      let now = Date.now();
      if (!pending && now - lastPoll >= options.pollIntervalMs) {
        pending = await cluster.getDeployment(namespace, name, signal);
        lastPoll = Date.now();
      }
      if (pending) {
        last = pending;
        pending = undefined;
        status = rolloutStatus(last);
        if (status.message !== lastMessage) {
          lastMessage = status.message;
          await options.onStatus(status);
        }
        if (status.state !== 'waiting') return { outcome: status.state, status, deployment: last };
      }
      now = Date.now();
      if (now >= deadline) return { outcome: 'timeout', status, deployment: last };
      if (!watch && now - watchStartedAt >= WATCH_RESTART_MS) await startWatch();
      if (pending) continue;
      const untilPoll = lastPoll + options.pollIntervalMs - now;
      const untilWatchRestart = watch ? Infinity : watchStartedAt + WATCH_RESTART_MS - now;
      const waitMs = Math.max(0, Math.min(deadline - now, untilPoll, untilWatchRestart));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    signal.removeEventListener('abort', notify);
    watch?.stop();
  }
}
