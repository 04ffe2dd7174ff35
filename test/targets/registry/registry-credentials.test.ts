import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { serviceRegistryCredentials } from '../../../src/rollback/images/registry-credentials.js';
import type { RegistryCredentialsLookup } from '../../../src/rollback/ports/image-registry.js';
import type { KubernetesCluster } from '../../../src/rollback/ports/kubernetes-cluster.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { configuredRegistryCredentials } from '../../../src/targets/registry/configured-registry-credentials.js';
import { OciRegistryClient } from '../../../src/targets/registry/oci-registry-client.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { startFakeRegistry, type FakeRegistry } from '../../support/fake-registry/index.js';

let kube: FakeKube;
let registry: FakeRegistry;
let cluster: KubernetesCluster;
let dir: string;

const dockerConfig = (host: string, username: string, password: string): string =>
  JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });

beforeAll(async () => {
  [kube, registry] = await Promise.all([
    startFakeKube({ readyDelayMs: 20 }),
    startFakeRegistry({ users: { ci: 'pull-pass' } }),
  ]);
  registry.pushImage('team/kaizen', 'v0.7.0');
  registry.setAccess('team/kaizen', { public: false, users: ['ci'] });
  cluster = createKubernetesClusterFactory({ kubeconfigPath: kube.kubeconfigPath, log: silentLogger() })(
    'fake',
  );
  kube.createSecret({
    name: 'kaizen-pull',
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': dockerConfig(registry.host, 'ci', 'pull-pass') },
  });
  kube.createSecret({
    name: 'other-registry',
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': dockerConfig('quay.io', 'q', 'q-pass') },
  });
  dir = await mkdtemp(join(tmpdir(), 'registry-credentials-'));
});

afterAll(async () => {
  await Promise.all([kube?.close(), registry?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function check(credentials: RegistryCredentialsLookup): Promise<unknown> {
  return new OciRegistryClient({
    access: { insecure: true, credentials },
    log: silentLogger(),
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  })
    .manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')
    .catch((error: unknown) => error);
}

describe('registry credentials for a service', () => {
  it("uses the Deployment's imagePullSecrets, skipping a missing one and one for another registry", async () => {
    const lookup = serviceRegistryCredentials({
      cluster,
      namespace: 'default',
      podSpec: {
        containers: [],
        imagePullSecrets: [{ name: 'gone' }, { name: 'other-registry' }, { name: 'kaizen-pull' }],
      },
    });

    await expect(lookup(registry.host)).resolves.toMatchObject({
      username: 'ci',
      source: 'Secret kaizen-pull',
    });
    await expect(check(lookup)).resolves.toMatchObject({ exists: true });
  });

  it('pulls anonymously, and says so, when no Secret has credentials for the registry', async () => {
    const lookup = serviceRegistryCredentials({
      cluster,
      namespace: 'default',
      podSpec: { containers: [], imagePullSecrets: [{ name: 'other-registry' }] },
    });

    await expect(check(lookup)).resolves.toMatchObject({
      code: 'registry_unauthorized',
      message: expect.stringContaining('none are configured'),
    });
  });

  it('refuses plainly when the Secret the service names does not exist', async () => {
    const lookup = serviceRegistryCredentials({
      cluster,
      namespace: 'default',
      podSpec: undefined,
      credentialsSecretName: 'missing-pull',
    });

    await expect(check(lookup)).resolves.toMatchObject({
      code: 'registry_credentials_missing',
      message: 'The registry credentials Secret "missing-pull" does not exist in namespace default.',
    });
  });

  it('prefers credentials from the bot environment, named by the service', async () => {
    const configured = configuredRegistryCredentials(
      { credentialsEnv: 'KAIZEN_REGISTRY' },
      { env: { KAIZEN_REGISTRY: 'ci:pull-pass' } },
    );
    const lookup = serviceRegistryCredentials({
      cluster,
      namespace: 'default',
      podSpec: undefined,
      ...(configured ? { configured } : {}),
    });

    await expect(lookup(registry.host)).resolves.toMatchObject({ source: 'env KAIZEN_REGISTRY' });
    await expect(check(lookup)).resolves.toMatchObject({ exists: true });
  });

  it('reads a mounted docker config file at each lookup', async () => {
    const file = join(dir, 'config.json');
    await writeFile(file, dockerConfig(registry.host, 'ci', 'stale-pass'));
    const configured = configuredRegistryCredentials({ credentialsFile: file }, { env: {} });
    if (!configured) throw new Error('expected a lookup');

    await expect(check(configured)).resolves.toMatchObject({ code: 'registry_unauthorized' });
    await writeFile(file, dockerConfig(registry.host, 'ci', 'pull-pass'));
    await expect(check(configured)).resolves.toMatchObject({ exists: true });
  });

  it('says an unset environment variable is unset, without guessing', async () => {
    const configured = configuredRegistryCredentials({ credentialsEnv: 'NOT_SET' }, { env: {} });

    await expect(configured?.(registry.host)).rejects.toMatchObject({
      code: 'registry_credentials_missing',
      message: 'The environment variable NOT_SET (registry credentials) is not set.',
    });
    expect(configuredRegistryCredentials({}, { env: {} })).toBeUndefined();
  });
});
