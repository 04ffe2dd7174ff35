import type {
  CustomObjectRef,
  JsonPatchOperation,
  KubernetesCluster,
  PatchKind,
  PodLogOptions,
} from '../../rollback/ports/kubernetes-cluster.js';

/** How long a failed build is answered from memory before the next call tries again (default). */
export const DEFAULT_BUILD_RETRY_MS = 5_000;

export interface LazyClusterTiming {
  /** A failed build is the answer to every call for this long, then the next call tries again. */
  retryFailedBuildMs?: number;
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
}

/**
 * A KubernetesCluster that builds the real one (and so loads its client library) at its first call.
 * A failed build (no kubeconfig, an unknown context) is kept for a few seconds: a burst of calls, such as a
 * storm of PagerDuty incidents each reading the current version, does not load the kubeconfig once per call.
 * After that the next call tries again, so a kubeconfig fixed meanwhile is used without a restart.
 */
export class LazyKubernetesCluster implements KubernetesCluster {
  private built: Promise<KubernetesCluster> | undefined;
  private cluster: KubernetesCluster | undefined;
  private failedAt: number | undefined;

  /** `description`: what the cluster is called until it is built ("context/namespace"). */
  constructor(
    private readonly provisional: string,
    private readonly build: () => Promise<KubernetesCluster>,
    private readonly timing: LazyClusterTiming = {},
  ) {}

  get description(): string {
    return this.cluster?.description ?? this.provisional;
  }

  private real(): Promise<KubernetesCluster> {
    const now = this.timing.now ?? Date.now;
    const retryMs = this.timing.retryFailedBuildMs ?? DEFAULT_BUILD_RETRY_MS;
    if (this.failedAt !== undefined && now() - this.failedAt >= retryMs) {
      this.built = undefined;
      this.failedAt = undefined;
    }
    this.built ??= this.build().then(
      (cluster) => (this.cluster = cluster),
      (error: unknown) => {
        this.failedAt = now();
        throw error;
      },
    );
    return this.built;
  }

  async getDeployment(namespace: string, name: string, signal?: AbortSignal) {
    return (await this.real()).getDeployment(namespace, name, signal);
  }

  async listReplicaSets(namespace: string, labelSelector: string, signal?: AbortSignal) {
    return (await this.real()).listReplicaSets(namespace, labelSelector, signal);
  }

  async listPods(namespace: string, labelSelector: string, signal?: AbortSignal) {
    return (await this.real()).listPods(namespace, labelSelector, signal);
  }

  async patchDeployment(
    namespace: string,
    name: string,
    patch: JsonPatchOperation[] | Record<string, unknown>,
    kind: PatchKind,
    signal?: AbortSignal,
  ) {
    return (await this.real()).patchDeployment(namespace, name, patch, kind, signal);
  }

  async watchDeployment(...args: Parameters<KubernetesCluster['watchDeployment']>) {
    return (await this.real()).watchDeployment(...args);
  }

  async readPodLog(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
    signal?: AbortSignal,
    options?: PodLogOptions,
  ) {
    return (await this.real()).readPodLog(namespace, pod, container, tailLines, signal, options);
  }

  async listEvents(namespace: string, kind: string, name: string, signal?: AbortSignal) {
    return (await this.real()).listEvents(namespace, kind, name, signal);
  }

  async getSecret(namespace: string, name: string, signal?: AbortSignal) {
    return (await this.real()).getSecret(namespace, name, signal);
  }

  async getConfigMap(namespace: string, name: string, signal?: AbortSignal) {
    return (await this.real()).getConfigMap(namespace, name, signal);
  }

  async getCustomObject(ref: CustomObjectRef, signal?: AbortSignal) {
    return (await this.real()).getCustomObject(ref, signal);
  }

  async patchCustomObject(ref: CustomObjectRef, patch: JsonPatchOperation[], signal?: AbortSignal) {
    return (await this.real()).patchCustomObject(ref, patch, signal);
  }
}
