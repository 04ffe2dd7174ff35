import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { PermanentError } from '../../../src/errors/rollback-error.js';
import type { KubernetesCluster } from '../../../src/rollback/ports/kubernetes-cluster.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';

let fake: FakeKube;
let cluster: KubernetesCluster;

beforeAll(async () => {
  fake = await startFakeKube({ readyDelayMs: 20 });
  cluster = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 2, baseDelayMs: 5 },
  })('fake');
});

afterAll(async () => {
  await fake?.close();
});

describe('ClientNodeCluster reads Secrets, ConfigMaps and previous logs from a fake API server', () => {
  it('reads a Secret and a ConfigMap', async () => {
    fake.createSecret({ name: 'kaizen-db', data: { DB_PASSWORD: 'hunter2' } });
    fake.createConfigMap({ name: 'kaizen-config', data: { LOG_LEVEL: 'info' } });

    const secret = await cluster.getSecret('default', 'kaizen-db');
    const configMap = await cluster.getConfigMap('default', 'kaizen-config');

    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data?.['DB_PASSWORD'] ?? '', 'base64').toString()).toBe('hunter2');
    expect(configMap.data).toEqual({ LOG_LEVEL: 'info' });
    expect(configMap.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('says which Secret is missing', async () => {
    const error = await cluster.getSecret('default', 'nope').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'kubernetes_not_found',
      message: 'Secret "nope" was not found in context fake, namespace default.',
    });
  });

  it('reads the log of the previous instance of a crash-looping container', async () => {
    fake.markImageBroken('kaizen:v0.9.0');
    fake.setPodLogs('kaizen:v0.9.0', ['starting again'], ['starting', 'FATAL: no database']);
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.9.0', replicas: 1 });
    await expect
      .poll(() => fake.pods('default')[0]?.status?.containerStatuses?.[0]?.restartCount ?? 0, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    const pod = fake.pods('default')[0]?.metadata?.name ?? '';

    await expect(
      cluster.readPodLog('default', pod, 'kaizen', 20, undefined, { previous: true }),
    ).resolves.toBe('starting\nFATAL: no database\n');
    await expect(cluster.readPodLog('default', pod, 'kaizen', 20)).resolves.toBe('starting again\n');
    expect(fake.requests.some((r) => r.path.includes('/log?') && r.path.includes('previous=true'))).toBe(
      true,
    );
  });
});
