import type {
  CoreV1Event,
  V1ConfigMap,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  V1Secret,
} from '@kubernetes/client-node';

export type PatchKind = 'json' | 'merge' | 'strategic';
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'copy' | 'move';
  path: string;
  value?: unknown;
  from?: string;
}

export interface PodLogOptions {
  /** The log of the previous instance of the container (after a restart), like `kubectl logs --previous`. */
  previous?: boolean;
}

export interface WatchHandle {
  /** Resolves when the watch ends (server closed it, or it was stopped). Rejects on a watch error. */
  done: Promise<void>;
  stop(): void;
}

/** A custom resource (an Argo CD Application, a Flux Kustomization or HelmRelease). */
export interface CustomObjectRef {
  group: string;
  version: string;
  /** The resource's plural name, as in its URL: "applications". */
  plural: string;
  namespace: string;
  name: string;
}

/** A custom resource as plain JSON. */
export type CustomObject = Record<string, unknown>;

/**
 * What the rollback domain needs from a Kubernetes cluster. Implemented with @kubernetes/client-node in
 * `targets/kubernetes`. Each method retries transient failures itself where sending again is safe (429;
 * 5xx, timeouts and network errors for reads and idempotent patches) and throws PermanentError when those
 * attempts are used up, as for the rest (403, 404 with a plain message). RetryableError is left for what
 * the caller must re-read and decide again: a conflict (409, a failed `test` precondition) or an
 * ambiguous failure of a patch with a precondition. See rollback/retry-with-backoff.ts.
 */
export interface KubernetesCluster {
  /** A short name for reports: "context/namespace". */
  readonly description: string;
  getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<V1Deployment>;
  listReplicaSets(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<V1ReplicaSet[]>;
  listPods(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<V1Pod[]>;
  patchDeployment(
    namespace: string,
    name: string,
    patch: JsonPatchOperation[] | Record<string, unknown>,
    kind: PatchKind,
    signal?: AbortSignal,
  ): Promise<V1Deployment>;
  /** Watches one Deployment; `onChange` gets every new state (ADDED/MODIFIED) of it. */
  watchDeployment(
    namespace: string,
    name: string,
    onChange: (deployment: V1Deployment) => void,
  ): Promise<WatchHandle>;
  readPodLog(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
    signal?: AbortSignal,
    options?: PodLogOptions,
  ): Promise<string>;
  /** Events whose involvedObject is the named object, newest last. */
  listEvents(namespace: string, kind: string, name: string, signal?: AbortSignal): Promise<CoreV1Event[]>;
  /**
   * A Secret with its data (registry credentials of imagePullSecrets, content hashes for config drift).
   * Callers keep only what they need and never log or store the values.
   */
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<V1Secret>;
  getConfigMap(namespace: string, name: string, signal?: AbortSignal): Promise<V1ConfigMap>;
  /** Reads a custom resource; a missing one (or an API group the cluster lacks) is `kubernetes_not_found`. */
  getCustomObject(ref: CustomObjectRef, signal?: AbortSignal): Promise<CustomObject>;
  /** A JSON Patch on a custom resource (its `test` ops make it exact: a changed object is a conflict). */
  patchCustomObject(
    ref: CustomObjectRef,
    patch: JsonPatchOperation[],
    signal?: AbortSignal,
  ): Promise<CustomObject>;
}

/** Builds a cluster client for a kubeconfig context (undefined: the current context or in-cluster). */
export type KubernetesClusterFactory = (context: string | undefined) => KubernetesCluster;
