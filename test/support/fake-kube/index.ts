/**
 * A fake Kubernetes API server for tests: real HTTP, discovery good enough for kubectl, apps/v1
 * Deployments and ReplicaSets driven by a simulated deployment controller, pods on a fake kubelet, events,
 * watches, patches and scripted faults.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap, V1Deployment, V1Pod, V1ReplicaSet, V1Secret } from '@kubernetes/client-node';
import { toClientModel } from './client-model.js';
import { DeploymentController } from './deployment-controller.js';
import { deploymentComplete } from './deployment-status.js';
import { configObjectApi, type FakeConfigSpec } from './config-object-api.js';
import { CHANGE_CAUSE, findNewReplicaSet } from './deployment-util.js';
import { EventRecorder } from './event-recorder.js';
import { FakeKubelet } from './fake-kubelet.js';
import { FaultInjector, type Fault } from './fault-injector.js';
import { createRouter, type RecordedRequest } from './http-router.js';
import { tokenOf, writeKubeconfig } from './kubeconfig-writer.js';
import { ObjectStore } from './object-store.js';
import { ReconcileLoop } from './reconcile-loop.js';
import { ReplicaSetController } from './replica-set-controller.js';
import { resourceTypeByName } from './resource-types.js';
import { waitUntil } from './wait-until.js';
import type { DeploymentWire, KubeObject, ReplicaSetWire } from './wire-types.js';
import { prepareWrite } from './write-preparation.js';

export interface FakeKubeOptions {
  /** How long a new pod takes to become ready (default 50 ms). */
  readyDelayMs?: number;
}

export interface FakeDeploymentSpec {
  namespace?: string;
  name: string;
  /** Used as selector and pod labels (default `{app: name}`). */
  labels?: Record<string, string>;
  container: string;
  image: string;
  replicas?: number;
  progressDeadlineSeconds?: number;
  changeCause?: string;
  /** More fields of the container (env, envFrom, volumeMounts). */
  containerSpec?: Record<string, unknown>;
  /** More fields of the pod spec (volumes, imagePullSecrets). */
  podSpec?: Record<string, unknown>;
  /** spec.revisionHistoryLimit (the API server defaults it to 10). */
  revisionHistoryLimit?: number;
  /** The Deployment's own labels and annotations besides the selector's (a CD system's tracking marks). */
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export type { FakeConfigSpec } from './config-object-api.js';

export interface FakeKube {
  url: string;
  kubeconfigPath: string;
  createDeployment(spec: FakeDeploymentSpec): Promise<V1Deployment>;
  deploy(
    namespace: string,
    name: string,
    container: string,
    image: string,
    changeCause?: string,
  ): Promise<void>;
  markImageBroken(image: string): void;
  /** A slow pull: pods with this image stay Pending (ContainerCreating) until the returned function is called. */
  holdImagePull(image: string): () => void;
  /**
   * How a node resolves a tag when it starts a container (pods' `status.containerStatuses[].imageID`):
   * e.g. the fake registry's digest of the tag at that moment. Default: a hash of the image name.
   */
  setDigestResolver(resolve: (image: string) => string | undefined): void;
  /** Pods with this image stay Pending in ErrImagePull / ImagePullBackOff. */
  markImageUnpullable(image: string): void;
  /** Log lines of containers running `image`; `previous`: what their previous instance wrote before it crashed. */
  setPodLogs(image: string, lines: string[], previous?: string[]): void;
  createSecret(spec: FakeConfigSpec): V1Secret;
  createConfigMap(spec: FakeConfigSpec): V1ConfigMap;
  /** Replaces the data of a ConfigMap (or a Secret, given in clear text), as `kubectl apply` of new content would. */
  updateConfigData(
    kind: 'ConfigMap' | 'Secret',
    namespace: string,
    name: string,
    data: Record<string, string>,
  ): void;
  injectFault(fault: Fault): void;
  /**
   * A kubeconfig for the fake as another user (a service account of its own), so a test can tell whose
   * requests are whose (`requests[].user`). The default `kubeconfigPath` is user "fake".
   */
  kubeconfigFor(user: string): Promise<string>;
  pause(namespace: string, name: string): void;
  /** Stores a custom resource (applications, kustomizations, helmreleases) as `kubectl apply` would create it. */
  createCustomObject(resource: string, object: Record<string, unknown>): Record<string, unknown>;
  /** A stored custom resource, or undefined. */
  customObject(resource: string, namespace: string, name: string): Record<string, unknown> | undefined;
  /**
   * Changes a container's image without waiting for the rollout (a CD controller's or a person's write);
   * `manager`: the field manager the API server records for it in `metadata.managedFields`.
   */
  setImage(namespace: string, name: string, container: string, image: string, manager?: string): void;
  deployment(namespace: string, name: string): V1Deployment;
  replicaSets(namespace: string): V1ReplicaSet[];
  pods(namespace: string): V1Pod[];
  requests: RecordedRequest[];
  /** How many TCP connections clients opened to the server so far (a client that reuses them opens few). */
  connectionsOpened(): number;
  /** Closes the connections that wait idle between requests (as a server's idle timeout does). */
  closeIdleConnections(): void;
  close(): Promise<void>;
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const readyDelayMs = options.readyDelayMs ?? 50;
  const store = new ObjectStore();
  const events = new EventRecorder(store);
  const kubelet = new FakeKubelet(store, events, readyDelayMs);
  const loop = new ReconcileLoop(store, [
    kubelet,
    new ReplicaSetController(store, events),
    new DeploymentController(store, events),
  ]);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const users = new Map([[tokenOf('fake'), 'fake']]);
  const watches = new Set<() => void>();
  let url = '';
  const server = createServer(
    createRouter({
      store,
      kubelet,
      faults,
      requests,
      users,
      watches,
      serverAddress: () => new URL(url).host,
    }),
  );
  let connectionsOpened = 0;
  server.on('connection', () => void (connectionsOpened += 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const directory = await mkdtemp(join(tmpdir(), 'fake-kube-'));
  const kubeconfigPath = await writeKubeconfig(directory, url);
  loop.start();

  const deploymentType = resourceTypeByName('deployments');
  const stored = (namespace: string, name: string): DeploymentWire => {
    const found = store.get<DeploymentWire>('deployments', namespace, name);
    if (!found) throw new Error(`fake-kube: no deployment ${namespace}/${name}`);
    return found;
  };
  const settled = (namespace: string, name: string, image: string): boolean => {
    const d = stored(namespace, name);
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 1)) return false;
    if (d.spec.paused || deploymentComplete(d, d.status ?? {})) return true;
    const rsList = store
      .list<ReplicaSetWire>('replicasets', namespace)
      .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid));
    return kubelet.isBroken(image) && findNewReplicaSet(d, rsList) !== undefined;
  };
  const timeoutMs = 10_000 + readyDelayMs * 20;

  return {
    url,
    kubeconfigPath,
    requests,
    connectionsOpened: () => connectionsOpened,
    closeIdleConnections: () => server.closeIdleConnections(),
    async createDeployment(spec) {
      const namespace = spec.namespace ?? 'default';
      const labels = spec.labels ?? { app: spec.name };
      const deployment: DeploymentWire = {
        metadata: {
          name: spec.name,
          namespace,
          labels: { ...spec.metadata?.labels, ...labels },
          ...(spec.changeCause || spec.metadata?.annotations
            ? {
                annotations: {
                  ...spec.metadata?.annotations,
                  ...(spec.changeCause ? { [CHANGE_CAUSE]: spec.changeCause } : {}),
                },
              }
            : {}),
        },
        spec: {
          replicas: spec.replicas ?? 3,
          ...(spec.revisionHistoryLimit !== undefined
            ? { revisionHistoryLimit: spec.revisionHistoryLimit }
            : {}),
          selector: { matchLabels: { ...labels } },
          progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
          template: {
            metadata: { labels: { ...labels } },
            spec: {
              ...spec.podSpec,
              containers: [{ ...spec.containerSpec, name: spec.container, image: spec.image }],
            },
          },
        },
      };
      store.create('deployments', prepareWrite(deploymentType, deployment));
      await waitUntil(
        () => settled(namespace, spec.name, spec.image),
        timeoutMs,
        `first rollout of ${namespace}/${spec.name}`,
      );
      return toClientModel<V1Deployment>(stored(namespace, spec.name));
    },
    async deploy(namespace, name, container, image, changeCause) {
      const current = stored(namespace, name);
      const next = structuredClone(current);
      const target = next.spec.template.spec.containers.find((c) => c.name === container);
      if (!target)
        throw new Error(`fake-kube: deployment ${namespace}/${name} has no container ${container}`);
      target.image = image;
      if (changeCause !== undefined)
        next.metadata.annotations = { ...next.metadata.annotations, [CHANGE_CAUSE]: changeCause };
      store.update('deployments', prepareWrite(deploymentType, next, current));
      await waitUntil(
        () => settled(namespace, name, image),
        timeoutMs,
        `rollout of ${image} to ${namespace}/${name}`,
      );
    },
    markImageBroken: (image) => kubelet.markImageBroken(image),
    holdImagePull: (image) => kubelet.holdImagePull(image),
    setDigestResolver: (resolve) => kubelet.setDigestResolver(resolve),
    markImageUnpullable: (image) => kubelet.markImageUnpullable(image),
    setPodLogs: (image, lines, previous) => kubelet.setLogs(image, lines, previous),
    ...configObjectApi(store),
    injectFault: (fault) => faults.inject(fault),
    async kubeconfigFor(user) {
      users.set(tokenOf(user), user);
      return writeKubeconfig(directory, url, user);
    },
    pause(namespace, name) {
      const current = stored(namespace, name);
      store.update(
        'deployments',
        prepareWrite(deploymentType, { ...current, spec: { ...current.spec, paused: true } }, current),
      );
    },
    createCustomObject(resource, object) {
      const type = resourceTypeByName(resource);
      const written = structuredClone(object) as KubeObject;
      written.metadata.namespace ??= 'default';
      return toClientModel(store.create(resource, prepareWrite(type, written)));
    },
    customObject(resource, namespace, name) {
      const found = store.get(resource, namespace, name);
      return found === undefined ? undefined : toClientModel<Record<string, unknown>>(found);
    },
    setImage(namespace, name, container, image, manager) {
      const current = stored(namespace, name);
      const next = structuredClone(current);
      if (manager) {
        const others = (next.metadata['managedFields'] as { manager?: string }[] | undefined) ?? [];
        next.metadata['managedFields'] = [
          ...others.filter((entry) => entry.manager !== manager),
          {
            manager,
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } },
          },
        ];
      }
      const target = next.spec.template.spec.containers.find((c) => c.name === container);
      if (!target)
        throw new Error(`fake-kube: deployment ${namespace}/${name} has no container ${container}`);
      target.image = image;
      store.update('deployments', prepareWrite(deploymentType, next, current));
    },
    deployment: (namespace, name) => toClientModel<V1Deployment>(stored(namespace, name)),
    replicaSets: (namespace) => toClientModel<V1ReplicaSet[]>(store.list('replicasets', namespace)),
    pods: (namespace) => toClientModel<V1Pod[]>(store.list('pods', namespace)),
    async close() {
      loop.stop();
      for (const end of [...watches]) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
