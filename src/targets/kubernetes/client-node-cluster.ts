import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  type ConfigurationOptions,
  type CoreV1Event,
  type KubeConfig,
  type ObservableMiddleware,
  type V1Deployment,
  type V1ConfigMap,
  type V1Pod,
  type V1ReplicaSet,
  type V1Secret,
} from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.js';
import type { RollbackError } from '../../errors/rollback-error.js';
import type {
  CustomObject,
  CustomObjectRef,
  JsonPatchOperation,
  KubernetesCluster,
  PatchKind,
  PodLogOptions,
  WatchHandle,
} from '../../rollback/ports/kubernetes-cluster.js';
import { retryWithBackoff, type RetryPolicy } from '../../rollback/retry-with-backoff.js';
import { mapKubernetesError, type KubernetesCall } from './map-kubernetes-error.js';
import { KeepAliveAgents } from './keep-alive-agents.js';
import { requestOptions, requestSignal } from './request-options.js';
import { watchDeployment } from './watch-deployment.js';

export interface ClientNodeClusterOptions {
  kubeConfig: KubeConfig;
  /** The kubeconfig context name, for messages. */
  context: string;
  log: Logger;
  retry: RetryPolicy;
  /** Per-request timeout (the watch has none). */
  requestTimeoutMs: number;
}

const CONTENT_TYPES: Record<PatchKind, string> = {
  json: PatchStrategy.JsonPatch,
  merge: PatchStrategy.MergePatch,
  strategic: PatchStrategy.StrategicMergePatch,
};

type Options = ConfigurationOptions<ObservableMiddleware>;

/** Shown in managedFields, so the Deployment records who changed it. */
export const FIELD_MANAGER = 'rollback-bot';

function httpCode(error: RollbackError): number | undefined {
  return error.cause instanceof ApiException ? error.cause.code : undefined;
}

/** The KubernetesCluster port over @kubernetes/client-node 1.x (object-parameter API). */
export class ClientNodeCluster implements KubernetesCluster {
  readonly description: string;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  /** One cluster's connections, reused from call to call. */
  private readonly agents = new KeepAliveAgents();

  constructor(private readonly options: ClientNodeClusterOptions) {
    const namespace = options.kubeConfig.getContextObject(options.context)?.namespace ?? 'default';
    this.description = `${options.context}/${namespace}`;
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * One API call with a request timeout, the caller's signal, domain errors, and retries of transient
   * failures when `retryWhen` allows them (reads: always). Retries used up: a PermanentError, so the step
   * that made the call does not retry the same outage again (see rollback/retry-with-backoff.ts).
   */
  private call<T>(
    call: Omit<KubernetesCall, 'context'>,
    run: (options: Options) => Promise<T>,
    extra: { signal?: AbortSignal; contentType?: string; retryWhen?: (error: RollbackError) => boolean } = {},
  ): Promise<T> {
    const full: KubernetesCall = { ...call, context: this.options.context };
    const what = `${call.verb} ${call.object}`;
    return retryWithBackoff(
      async () => {
        const signal = requestSignal(this.options.requestTimeoutMs, extra.signal);
        try {
          const contentType = extra.contentType ? { contentType: extra.contentType } : {};
          return await run(requestOptions({ signal, agents: this.agents, ...contentType }));
        } catch (error) {
          throw mapKubernetesError(error, full, extra.signal);
        }
      },
      this.options.retry,
      {
        whenExhausted: 'permanent',
        onRetry: (error, attempt, delayMs) =>
          this.options.log.warn(
            { what, attempt, delayMs, code: error.code, err: error.message },
            'kubernetes call failed, retrying',
          ),
        ...(extra.signal ? { signal: extra.signal } : {}),
        ...(extra.retryWhen ? { shouldRetry: extra.retryWhen } : {}),
      },
    );
  }

  getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<V1Deployment> {
    return this.call(
      { verb: 'read', object: `Deployment "${name}"`, namespace },
      (o) => this.apps.readNamespacedDeployment({ name, namespace }, o),
      {
        ...(signal ? { signal } : {}),
      },
    );
  }

  async listReplicaSets(
    namespace: string,
    labelSelector: string,
    signal?: AbortSignal,
  ): Promise<V1ReplicaSet[]> {
    const list = await this.call(
      { verb: 'list', object: `ReplicaSets (${labelSelector})`, namespace },
      (o) => this.apps.listNamespacedReplicaSet({ namespace, labelSelector }, o),
      { ...(signal ? { signal } : {}) },
    );
    return list.items;
  }

  async listPods(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<V1Pod[]> {
    const list = await this.call(
      { verb: 'list', object: `pods (${labelSelector})`, namespace },
      (o) => this.core.listNamespacedPod({ namespace, labelSelector }, o),
      { ...(signal ? { signal } : {}) },
    );
    return list.items;
  }

  /**
   * PATCHes a Deployment with the Content-Type of `kind`. Retries: a 429 (the server did not process the
   * request) is always retried. A 5xx, network error or timeout is retried only for patches without a
   * JSON Patch `test` op: the bot's patches (kubectl's replace/replace undo, the set-image SMP) are
   * idempotent, so re-sending one that was in fact applied leaves the same object. A patch with a `test`
   * precondition is not re-sent after an ambiguous failure (if the first one was applied the test now
   * fails and would report a false conflict), and a 409/failed test is never retried here: it means the
   * object changed, so the caller must re-read it and decide again (it surfaces as RetryableError
   * `kubernetes_conflict`, and the step, which checks the current state first, is retried).
   */
  patchDeployment(
    namespace: string,
    name: string,
    patch: JsonPatchOperation[] | Record<string, unknown>,
    kind: PatchKind,
    signal?: AbortSignal,
  ): Promise<V1Deployment> {
    const precondition = Array.isArray(patch) && patch.some((op) => op.op === 'test');
    return this.call(
      { verb: 'patch', object: `Deployment "${name}"`, namespace, precondition },
      (o) =>
        this.apps.patchNamespacedDeployment({ name, namespace, body: patch, fieldManager: FIELD_MANAGER }, o),
      {
        contentType: CONTENT_TYPES[kind],
        ...(signal ? { signal } : {}),
        retryWhen: (error) =>
          httpCode(error) === 429 || (!precondition && error.code === 'kubernetes_unavailable'),
      },
    );
  }

  watchDeployment(
    namespace: string,
    name: string,
    onChange: (deployment: V1Deployment) => void,
  ): Promise<WatchHandle> {
    return watchDeployment(
      { kubeConfig: this.options.kubeConfig, context: this.options.context, log: this.options.log },
      namespace,
      name,
      onChange,
    );
  }

  readPodLog(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
    signal?: AbortSignal,
    options: PodLogOptions = {},
  ): Promise<string> {
    const previous = options.previous === true;
    return this.call(
      {
        verb: 'read the log of',
        object: `pod "${pod}" (container ${container}${previous ? ', previous instance' : ''})`,
        namespace,
      },
      (o) =>
        this.core.readNamespacedPodLog(
          { name: pod, namespace, container, tailLines, ...(previous ? { previous } : {}) },
          o,
        ),
      { ...(signal ? { signal } : {}) },
    );
  }

  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<V1Secret> {
    return this.call(
      { verb: 'read', object: `Secret "${name}"`, namespace },
      (o) => this.core.readNamespacedSecret({ name, namespace }, o),
      { ...(signal ? { signal } : {}) },
    );
  }

  getConfigMap(namespace: string, name: string, signal?: AbortSignal): Promise<V1ConfigMap> {
    return this.call(
      { verb: 'read', object: `ConfigMap "${name}"`, namespace },
      (o) => this.core.readNamespacedConfigMap({ name, namespace }, o),
      { ...(signal ? { signal } : {}) },
    );
  }

  async getCustomObject(ref: CustomObjectRef, signal?: AbortSignal): Promise<CustomObject> {
    return (await this.call(
      { verb: 'read', object: `${ref.plural}.${ref.group} "${ref.name}"`, namespace: ref.namespace },
      (o) => this.custom.getNamespacedCustomObject(ref, o),
      { ...(signal ? { signal } : {}) },
    )) as CustomObject;
  }

  /** Like patchDeployment: a patch with a `test` op is not re-sent after an ambiguous failure. */
  async patchCustomObject(
    ref: CustomObjectRef,
    patch: JsonPatchOperation[],
    signal?: AbortSignal,
  ): Promise<CustomObject> {
    const precondition = patch.some((op) => op.op === 'test');
    return (await this.call(
      {
        verb: 'patch',
        object: `${ref.plural}.${ref.group} "${ref.name}"`,
        namespace: ref.namespace,
        precondition,
      },
      (o) => this.custom.patchNamespacedCustomObject({ ...ref, body: patch, fieldManager: FIELD_MANAGER }, o),
      {
        contentType: PatchStrategy.JsonPatch,
        ...(signal ? { signal } : {}),
        retryWhen: (error) =>
          httpCode(error) === 429 || (!precondition && error.code === 'kubernetes_unavailable'),
      },
    )) as CustomObject;
  }

  async listEvents(
    namespace: string,
    kind: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<CoreV1Event[]> {
    const fieldSelector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
    const list = await this.call(
      { verb: 'list', object: `events of ${kind} "${name}"`, namespace },
      (o) => this.core.listNamespacedEvent({ namespace, fieldSelector }, o),
      { ...(signal ? { signal } : {}) },
    );
    return list.items
      .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
      .sort((a, b) => eventTime(a) - eventTime(b));
  }
}

function eventTime(event: CoreV1Event): number {
  const value = (event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp) as Date | string | undefined;
  if (value === undefined) return 0;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(time) ? 0 : time;
}
