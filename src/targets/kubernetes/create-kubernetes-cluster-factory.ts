import type { Logger } from '../../observability/logger.js';
import type { KubernetesCluster, KubernetesClusterFactory } from '../../rollback/ports/kubernetes-cluster.js';
import { DEFAULT_CALL_RETRY } from '../../rollback/retry-with-backoff.js';
import { ClientNodeCluster } from './client-node-cluster.js';
import { loadKubeConfig } from './load-kube-config.js';

export interface KubernetesClusterFactoryOptions {
  /** A kubeconfig file; omitted: in-cluster config when running in a pod, else the default rules. */
  kubeconfigPath?: string;
  log: Logger;
  /** Retries of transient failures (reads, and patches when safe). Default DEFAULT_CALL_RETRY: 4 attempts from 250 ms. */
  retry?: { attempts: number; baseDelayMs: number };
  /** Timeout of one API request. Default 15 s. */
  requestTimeoutMs?: number;
}

/**
 * Builds one client per kubeconfig context (cached). Throws PermanentError when the kubeconfig cannot be
 * loaded or has no such context. Logs the context and server only, never credentials.
 */
export function createKubernetesClusterFactory(
  options: KubernetesClusterFactoryOptions,
): KubernetesClusterFactory {
  const clusters = new Map<string, KubernetesCluster>();
  return (context) => {
    const key = context ?? '';
    const cached = clusters.get(key);
    if (cached) return cached;
    const loaded = loadKubeConfig({
      ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
      ...(context ? { context } : {}),
    });
    const log = options.log.child({ component: 'kubernetes', context: loaded.context });
    log.info(
      { source: loaded.source, server: loaded.kubeConfig.getCurrentCluster()?.server },
      'kubernetes client ready',
    );
    const cluster = new ClientNodeCluster({
      kubeConfig: loaded.kubeConfig,
      context: loaded.context,
      log,
      retry: options.retry ? { ...DEFAULT_CALL_RETRY, ...options.retry } : DEFAULT_CALL_RETRY,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    });
    clusters.set(key, cluster);
    return cluster;
  };
}
