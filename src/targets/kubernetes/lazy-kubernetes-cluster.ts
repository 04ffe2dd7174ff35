import type {
  CustomObjectRef,
  JsonPatchOperation,
  KubernetesCluster,
  PatchKind,
  PodLogOptions,
} from '../../rollback/ports/kubernetes-cluster.js';

/**
 * A KubernetesCluster that builds the real one (and so loads its client library) at its first call.
 * A failed build is not kept: the next call tries again, as an uncached factory would.
 */
export class LazyKubernetesCluster implements KubernetesCluster {
  private built: Promise<KubernetesCluster> | undefined;
  private cluster: KubernetesCluster | undefined;

  /** `description`: what the cluster is called until it is built ("context/namespace"). */
  constructor(
    private readonly provisional: string,
    private readonly build: () => Promise<KubernetesCluster>,
  ) {}

  get description(): string {
    return this.cluster?.description ?? this.provisional;
  }

  private real(): Promise<KubernetesCluster> {
    this.built ??= this.build().then(
      (cluster) => (this.cluster = cluster),
      (error: unknown) => {
        this.built = undefined;
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
