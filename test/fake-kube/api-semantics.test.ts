import {
  AppsV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';

const DEPLOYMENT = '/apis/apps/v1/namespaces/default/deployments/kaizen';

/** The parts of the replies these tests read (objects, lists and Status bodies alike). */
interface WireJson {
  reason?: string;
  metadata: { generation?: number; resourceVersion?: string; annotations?: Record<string, string> };
  status: { observedGeneration?: number };
  spec: { replicas?: number; template: { spec: { containers: unknown[] } } };
  items: { reason: string; message: string }[];
}

describe('fake API server semantics the bot’s client relies on', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; json: WireJson }> {
    const response = await fetch(fake.url + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as WireJson };
  }

  it('bumps generation on a spec change and observedGeneration catches up asynchronously', async () => {
    const patched = await call(
      'PATCH',
      DEPLOYMENT,
      { spec: { template: { spec: { containers: [{ name: 'kaizen', image: 'kaizen:v0.8.0' }] } } } },
      'application/strategic-merge-patch+json',
    );

    expect(patched.status).toBe(200);
    expect(patched.json.metadata.generation).toBe(2);
    expect(patched.json.status.observedGeneration).toBe(1);
    await expect.poll(() => fake.deployment('default', 'kaizen').status?.observedGeneration).toBe(2);
  });

  it('merges containers and env by name in strategic merge patches, honouring $patch: delete', async () => {
    const add = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'kaizen',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '2' },
                ],
              },
            ],
          },
        },
      },
    };
    await call('PATCH', DEPLOYMENT, add, 'application/strategic-merge-patch+json');
    const remove = {
      spec: {
        template: { spec: { containers: [{ name: 'kaizen', env: [{ name: 'A', $patch: 'delete' }] }] } },
      },
    };

    const result = await call('PATCH', DEPLOYMENT, remove, 'application/strategic-merge-patch+json');

    expect(result.json.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'kaizen', image: 'kaizen:v0.7.0', env: [{ name: 'B', value: '2' }] }),
    ]);
  });

  it('applies merge patches, and JSON patches with test operations', async () => {
    const merged = await call(
      'PATCH',
      DEPLOYMENT,
      { metadata: { annotations: { team: 'kaizen' } } },
      'application/merge-patch+json',
    );
    expect(merged.json.metadata.annotations).toMatchObject({
      team: 'kaizen',
      'deployment.kubernetes.io/revision': '1',
    });

    const failedTest = await call(
      'PATCH',
      DEPLOYMENT,
      [{ op: 'test', path: '/spec/replicas', value: 5 }],
      'application/json-patch+json',
    );
    expect(failedTest.status).toBe(422);
    expect(failedTest.json).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
    });

    const scaled = await call(
      'PATCH',
      DEPLOYMENT,
      [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
      ],
      'application/json-patch+json',
    );
    expect(scaled.json.spec.replicas).toBe(3);
    await expect.poll(() => fake.pods('default').length).toBe(3);
  });

  it('answers 409 Conflict for a stale resourceVersion, 404 and 415 with Status bodies', async () => {
    const current = await call('GET', DEPLOYMENT);
    await call(
      'PATCH',
      DEPLOYMENT,
      { metadata: { labels: { tier: 'web' } } },
      'application/merge-patch+json',
    );

    const stalePut = await call('PUT', DEPLOYMENT, current.json);
    const stalePatch = await call(
      'PATCH',
      DEPLOYMENT,
      { metadata: { resourceVersion: current.json.metadata.resourceVersion } },
      'application/merge-patch+json',
    );
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    const apply = await call('PATCH', DEPLOYMENT, 'spec: {}', 'application/apply-patch+yaml');

    for (const stale of [stalePut, stalePatch]) {
      expect(stale.status).toBe(409);
      expect(stale.json).toMatchObject({
        kind: 'Status',
        reason: 'Conflict',
        code: 409,
        message:
          'Operation cannot be fulfilled on deployments.apps "kaizen": the object has been modified; please apply your changes to the latest version and try again',
      });
    }
    expect(missing).toEqual({
      status: 404,
      json: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    });
    expect(apply.status).toBe(415);
    expect(apply.json.reason).toBe('UnsupportedMediaType');
  });

  it('filters lists by label selector and events by involvedObject field selectors', async () => {
    const deployment = fake.deployment('default', 'kaizen');
    const pods = await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dkaizen');
    const none = await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dother');
    const events = await call(
      'GET',
      `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.kind=Deployment,involvedObject.name=kaizen,involvedObject.uid=${deployment.metadata?.uid}`)}`,
    );

    expect(pods.json).toMatchObject({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(pods.json.items).toHaveLength(2);
    expect(none.json.items).toEqual([]);
    expect(events.json.items.map((e) => [e.reason, e.message])).toEqual([
      ['ScalingReplicaSet', expect.stringMatching(/^Scaled up replica set kaizen-\w+ from 0 to 2$/)],
    ]);
  });

  it('serves client-node: typed reads, patches with explicit content types, and watches from a resourceVersion', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(fake.kubeconfigPath);
    const apps = kc.makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDeployment({ name: 'kaizen', namespace: 'default' });
    const seen: V1Deployment[] = [];
    const controller = await new Watch(kc).watch(
      '/apis/apps/v1/namespaces/default/deployments',
      { fieldSelector: 'metadata.name=kaizen', resourceVersion: before.metadata?.resourceVersion },
      (_type: string, object: V1Deployment) => seen.push(object),
      () => undefined,
    );

    await apps.patchNamespacedDeployment(
      {
        name: 'kaizen',
        namespace: 'default',
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'kaizen:v0.8.0' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    await expect
      .poll(
        () =>
          seen.at(-1)?.status?.updatedReplicas === 2 &&
          seen.at(-1)?.status?.unavailableReplicas === undefined,
      )
      .toBe(true);
    controller.abort();

    expect(before.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(seen[0]?.metadata?.generation).toBe(2);
    expect(
      seen.every((d) => Number(d.metadata?.resourceVersion) > Number(before.metadata?.resourceVersion)),
    ).toBe(true);
    expect(seen.at(-1)?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('ends a watch after timeoutSeconds and starts one without resourceVersion with ADDED events', async () => {
    const started = Date.now();
    const response = await fetch(
      `${fake.url}/apis/apps/v1/namespaces/default/replicasets?watch=1&timeoutSeconds=1`,
    );
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { kind: string } });

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(lines).toEqual([
      { type: 'ADDED', object: expect.objectContaining({ kind: 'ReplicaSet', apiVersion: 'apps/v1' }) },
    ]);
  });
});
