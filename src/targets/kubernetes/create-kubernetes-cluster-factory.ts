import type { Logger } from '../../observability/logger.js';
import type { KubernetesCluster, KubernetesClusterFactory } from '../../rollback/ports/kubernetes-cluster.js';
import { DEFAULT_CALL_RETRY } from '../../rollback/retry-with-backoff.js';
import { LazyKubernetesCluster, type LazyClusterTiming } from './lazy-kubernetes-cluster.js';
import { peekKubeConfig, type KubeConfigEnvironment } from './peek-kube-config.js';

export interface KubernetesClusterFactoryOptions {
  /** A kubeconfig file; omitted: in-cluster config when running in a pod, else the default rules. */
  kubeconfigPath?: string;
  /** The in-cluster and kubeconfig variables, from the composition root (absent: none is set). */
  environment?: KubeConfigEnvironment;
  log: Logger;
  /** Retries of transient failures (reads, and patches when safe). Default DEFAULT_CALL_RETRY: 4 attempts from 250 ms. */
  retry?: { attempts: number; baseDelayMs: number };
  /** Timeout of one API request. Default 15 s. */
  requestTimeoutMs?: number;
  /** How long a kubeconfig that could not be loaded is the answer before it is read again (default 5 s). */
  timing?: LazyClusterTiming;
}

/**
 * Builds one client per kubeconfig context (cached). @kubernetes/client-node (about 45 MB resident and
 * 1–3 s to load) is imported at the cluster's first call, not before: a bot that has not yet talked to a
 * cluster does not hold it. A kubeconfig that cannot be loaded, or has no such context, makes every call
 * of that cluster fail with loadKubeConfig's PermanentError (for a few seconds the same answer without
 * reading the kubeconfig again, then the next call tries again: see LazyKubernetesCluster). Logs the
 * context and server only, never credentials.
 */
export function createKubernetesClusterFactory(
  options: KubernetesClusterFactoryOptions,
): KubernetesClusterFactory {
  const clusters = new Map<string, KubernetesCluster>();
  return (context) => {
    const key = context ?? '';
    const cached = clusters.get(key);
    if (cached) return cached;
    const where = {
      ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
      ...(context ? { context } : {}),
      environment: options.environment ?? {},
    };
    const peeked = peekKubeConfig(where);
    const cluster = new LazyKubernetesCluster(
      peeked ? `${peeked.context}/${peeked.namespace}` : `${context ?? 'current context'}/default`,
      async () => {
        const [{ loadKubeConfig }, { ClientNodeCluster }] = await Promise.all([
          import('./load-kube-config.js'),
          import('./client-node-cluster.js'),
        ]);
        const loaded = loadKubeConfig(where);
        const log = options.log.child({ component: 'kubernetes', context: loaded.context });
        log.info(
          { source: loaded.source, server: loaded.kubeConfig.getCurrentCluster()?.server },
          'kubernetes client ready',
        );
        return new ClientNodeCluster({
          kubeConfig: loaded.kubeConfig,
          context: loaded.context,
          log,
          retry: options.retry ? { ...DEFAULT_CALL_RETRY, ...options.retry } : DEFAULT_CALL_RETRY,
          requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
        });
      },
      options.timing,
    );
    clusters.set(key, cluster);
    return cluster;
  };
}
