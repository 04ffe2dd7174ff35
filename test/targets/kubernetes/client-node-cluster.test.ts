import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import type { KubernetesCluster } from '../../../src/rollback/ports/kubernetes-cluster.js';
import { retryWithBackoff } from '../../../src/rollback/retry-with-backoff.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';

let fake: FakeKube;
let cluster: KubernetesCluster;

beforeAll(async () => {
  fake = await startFakeKube({ readyDelayMs: 20 });
  await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  const factory = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  cluster = factory('fake');
});

afterAll(async () => {
  await fake?.close();
});

const deploymentPath = /\/apis\/apps\/v1\/namespaces\/default\/deployments\/kaizen$/;
const requestsTo = (method: string, path: RegExp): number =>
  fake.requests.filter((r) => r.method === method && path.test(r.path.split('?')[0] ?? '')).length;

describe('ClientNodeCluster against a fake API server', () => {
  it('reads the Deployment, its ReplicaSets, pods, events and pod logs', async () => {
    expect(cluster.description).toBe('fake/default');
    const deployment = await cluster.getDeployment('default', 'kaizen');
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('kaizen:v0.8.0');
    const replicaSets = await cluster.listReplicaSets('default', 'app=kaizen');
    expect(
      replicaSets.map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort(),
    ).toEqual(['1', '2']);
    const pods = await cluster.listPods('default', 'app=kaizen');
    expect(pods).toHaveLength(2);
    fake.setPodLogs('kaizen:v0.8.0', ['line 1', 'line 2', 'line 3']);
    expect(await cluster.readPodLog('default', pods[0]!.metadata!.name!, 'kaizen', 2)).toBe(
      'line 2\nline 3\n',
    );
    const events = await cluster.listEvents('default', 'Deployment', 'kaizen');
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.every((e) => e.involvedObject.name === 'kaizen' && e.involvedObject.kind === 'Deployment'),
    ).toBe(true);
  });

  it('says plainly which object is missing where (404)', async () => {
    const error = await cluster.getDeployment('default', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'kubernetes_not_found',
      message: 'Deployment "nope" was not found in context fake, namespace default.',
    });
  });

  it('retries a read through transient 503s and gives up on 403 at once', async () => {
    const before = requestsTo('GET', deploymentPath);
    fake.injectFault({ method: 'GET', path: deploymentPath, status: 503, times: 2 });
    await expect(cluster.getDeployment('default', 'kaizen')).resolves.toMatchObject({
      metadata: { name: 'kaizen' },
    });
    expect(requestsTo('GET', deploymentPath) - before).toBe(3);

    const beforeForbidden = requestsTo('GET', deploymentPath);
    fake.injectFault({ method: 'GET', path: deploymentPath, status: 403 });
    await expect(cluster.getDeployment('default', 'kaizen')).rejects.toMatchObject({
      code: 'kubernetes_forbidden',
    });
    expect(requestsTo('GET', deploymentPath) - beforeForbidden).toBe(1);
  });

  it('throws a permanent error once its attempts are used up, so the step does not send the call again', async () => {
    const before = requestsTo('GET', deploymentPath);
    fake.injectFault({ method: 'GET', path: deploymentPath, status: 500, times: 3 });
    // The runner's step retry around it, as in run-rollback: were it to send the call again, the fourth
    // request would succeed and nothing would be thrown.
    const error = await retryWithBackoff(() => cluster.getDeployment('default', 'kaizen'), {
      attempts: 4,
      baseDelayMs: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'kubernetes_unavailable',
      message: expect.stringContaining('answered 500') as unknown,
      details: ['Tried 3 times before giving up.'],
    });
    expect(requestsTo('GET', deploymentPath) - before).toBe(3);
  });

  it('sends each patch kind with its Content-Type', async () => {
    await cluster.patchDeployment('default', 'kaizen', { metadata: { labels: { team: 'a' } } }, 'merge');
    await cluster.patchDeployment(
      'default',
      'kaizen',
      [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }],
      'json',
    );
    const patched = await cluster.patchDeployment(
      'default',
      'kaizen',
      { metadata: { labels: { owner: 'ops' } } },
      'strategic',
    );
    expect(patched.metadata?.labels).toMatchObject({ team: 'a', tier: 'web', owner: 'ops' });
    const types = fake.requests
      .filter((r) => r.method === 'PATCH')
      .slice(-3)
      .map((r) => r.contentType);
    expect(types).toEqual([
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
    ]);
  });

  it('re-sends an idempotent patch after a 503, but not a patch with a test precondition', async () => {
    const before = requestsTo('PATCH', deploymentPath);
    fake.injectFault({ method: 'PATCH', path: deploymentPath, status: 503 });
    await cluster.patchDeployment(
      'default',
      'kaizen',
      [{ op: 'add', path: '/metadata/labels/retry', value: 'yes' }],
      'json',
    );
    expect(requestsTo('PATCH', deploymentPath) - before).toBe(2);

    const current = await cluster.getDeployment('default', 'kaizen');
    const guarded = [
      { op: 'test' as const, path: '/metadata/resourceVersion', value: current.metadata?.resourceVersion },
      { op: 'add' as const, path: '/metadata/labels/guarded', value: 'yes' },
    ];
    const beforeGuarded = requestsTo('PATCH', deploymentPath);
    fake.injectFault({ method: 'PATCH', path: deploymentPath, status: 503 });
    await expect(cluster.patchDeployment('default', 'kaizen', guarded, 'json')).rejects.toMatchObject({
      code: 'kubernetes_unavailable',
    });
    expect(requestsTo('PATCH', deploymentPath) - beforeGuarded).toBe(1);

    // A stale precondition is a conflict for the caller to re-read, never retried here.
    const stale = [{ ...guarded[0]!, value: '1' }, guarded[1]!];
    const beforeStale = requestsTo('PATCH', deploymentPath);
    await expect(cluster.patchDeployment('default', 'kaizen', stale, 'json')).rejects.toMatchObject({
      code: 'kubernetes_conflict',
    });
    expect(requestsTo('PATCH', deploymentPath) - beforeStale).toBe(1);
    const beforeConflict = requestsTo('PATCH', deploymentPath);
    fake.injectFault({ method: 'PATCH', path: deploymentPath, status: 409 });
    await expect(
      cluster.patchDeployment('default', 'kaizen', { metadata: { labels: { x: 'y' } } }, 'merge'),
    ).rejects.toBeInstanceOf(RetryableError);
    expect(requestsTo('PATCH', deploymentPath) - beforeConflict).toBe(1);
  });

  it('watches one Deployment until stopped', async () => {
    const seen: string[] = [];
    const handle = await cluster.watchDeployment('default', 'kaizen', (d) => {
      seen.push(d.metadata?.labels?.['watched'] ?? '-');
    });
    await cluster.patchDeployment('default', 'kaizen', { metadata: { labels: { watched: 'now' } } }, 'merge');
    await expect.poll(() => seen.includes('now'), { timeout: 5_000 }).toBe(true);
    handle.stop();
    await expect(handle.done).resolves.toBeUndefined();
  });

  it('rejects a watch that is not allowed', async () => {
    fake.injectFault({ method: 'GET', path: /deployments/, status: 403 });
    await expect(cluster.watchDeployment('default', 'kaizen', () => undefined)).rejects.toMatchObject({
      code: 'kubernetes_forbidden',
    });
  });

  it('never sends or logs the token anywhere but the Authorization header', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../../../src/observability/logger.js');
    const { Writable } = await import('node:stream');
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'debug', destination });
    const factory = createKubernetesClusterFactory({
      kubeconfigPath: fake.kubeconfigPath,
      log,
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    const c = factory(undefined);
    fake.injectFault({ method: 'GET', path: deploymentPath, status: 500 });
    await c.getDeployment('default', 'kaizen');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain('fake-kube-token');
  });
});
