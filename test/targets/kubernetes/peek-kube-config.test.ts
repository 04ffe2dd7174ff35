import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../../src/targets/kubernetes/load-kube-config.js';
import { peekKubeConfig } from '../../../src/targets/kubernetes/peek-kube-config.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { createLogger } from '../../../src/observability/logger.js';

let directory: string;
const file = (name: string) => join(directory, name);

function kubeconfig(options: {
  clusters: Record<string, string | [string, boolean]>;
  contexts: Record<string, [string, string?]>;
  current?: string;
}) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: Object.entries(options.clusters).map(([name, server]) => ({
      name,
      cluster: Array.isArray(server)
        ? { server: server[0], 'insecure-skip-tls-verify': server[1] }
        : { server },
    })),
    users: [{ name: `bot-${Object.keys(options.clusters).join('-')}`, user: { token: 'not-a-real-token' } }],
    contexts: Object.entries(options.contexts).map(([name, [cluster, namespace]]) => ({
      name,
      context: {
        cluster,
        user: `bot-${Object.keys(options.clusters).join('-')}`,
        ...(namespace ? { namespace } : {}),
      },
    })),
    ...(options.current ? { 'current-context': options.current } : {}),
  });
}

/** What loadKubeConfig (@kubernetes/client-node) makes of the same input: the reference. */
function reference(where: { kubeconfigPath?: string; context?: string }) {
  try {
    const loaded = loadKubeConfig({ ...where, environment: process.env });
    const namespace = loaded.kubeConfig.getContextObject(loaded.context)?.namespace ?? 'default';
    return { source: loaded.source, context: loaded.context, namespace };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'peek-kubeconfig-'));
  await writeFile(
    file('prod'),
    kubeconfig({
      clusters: {
        eu: 'https://eu.example.com',
        us: 'https://us.example.com',
        lab: 'http://127.0.0.1:8080',
        dev: ['http://127.0.0.1:9', true],
      },
      contexts: {
        'prod-eu': ['eu', 'shop'],
        'prod-us': ['us'],
        lab: ['lab'],
        dev: ['dev', 'dev'],
        orphan: ['gone'],
      },
      current: 'prod-eu',
    }),
  );
  await writeFile(
    file('staging'),
    kubeconfig({
      clusters: { stg: 'https://stg.example.com' },
      contexts: { staging: ['stg', 'web'] },
      current: 'staging',
    }),
  );
  await writeFile(file('broken'), 'clusters: [\n  - {name: x\n');
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('peekKubeConfig: the start-up look-up without the Kubernetes client', () => {
  it('agrees with client-node on every kubeconfig that loads, and defers to it on every one that does not', () => {
    const cases = [
      {},
      { context: 'prod-us' },
      { context: 'dev' }, // plain http, TLS checks skipped: allowed
      { context: 'lab' }, // plain http without insecure-skip-tls-verify: refused
      { context: 'staging' }, // no such context
      { context: 'orphan' }, // a context whose cluster does not exist
    ];
    for (const where of cases) {
      const expected = reference({ kubeconfigPath: file('prod'), ...where });
      const peeked = peekKubeConfig({ kubeconfigPath: file('prod'), ...where, environment: process.env });
      if ('error' in expected) expect(peeked, JSON.stringify(where)).toBeUndefined();
      else expect(peeked, JSON.stringify(where)).toEqual(expected);
    }
    expect(reference({ kubeconfigPath: file('prod'), context: 'lab' })).toEqual({
      error: 'kubernetes_config',
    });
    expect(peekKubeConfig({ kubeconfigPath: file('broken'), environment: process.env })).toBeUndefined();
    expect(peekKubeConfig({ kubeconfigPath: file('missing'), environment: process.env })).toBeUndefined();
  });

  it('merges KUBECONFIG files as client-node does (the last current-context wins)', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    vi.stubEnv('KUBECONFIG', [file('prod'), file('staging')].join(delimiter));
    expect(peekKubeConfig({ environment: process.env })).toEqual(reference({}));
    expect(peekKubeConfig({ environment: process.env })).toEqual({
      source: 'default',
      context: 'staging',
      namespace: 'web',
    });
    expect(peekKubeConfig({ context: 'prod-eu', environment: process.env })).toEqual(
      reference({ context: 'prod-eu' }),
    );
    vi.stubEnv('KUBECONFIG', [file('prod'), file('prod')].join(delimiter)); // duplicate names
    expect(reference({})).toHaveProperty('error');
    expect(peekKubeConfig({ environment: process.env })).toBeUndefined();
  });

  it("reads a pod's service account as client-node does, and defers plain-http ports to it", () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.0.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    expect(peekKubeConfig({ environment: process.env })).toEqual({
      source: 'in-cluster',
      context: 'inClusterContext',
      namespace: 'default',
    });
    expect(reference({})).toMatchObject({ source: 'in-cluster', context: 'inClusterContext' });
    expect(peekKubeConfig({ context: 'prod', environment: process.env })).toBeUndefined();
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '8080');
    expect(peekKubeConfig({ environment: process.env })).toBeUndefined();
  });

  it('looks at the variables it is given, not at the process environment', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    vi.stubEnv('KUBECONFIG', file('staging'));
    const inPod = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(peekKubeConfig({ environment: inPod })).toMatchObject({ source: 'in-cluster' });
    expect(peekKubeConfig({ environment: { KUBECONFIG: file('prod') } })).toEqual({
      source: 'default',
      context: 'prod-eu',
      namespace: 'shop',
    });
  });

  it('defers to client-node when there is no kubeconfig at all, which then says what to set', async () => {
    const home = await mkdtemp(join(tmpdir(), 'peek-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    expect(peekKubeConfig({ environment: process.env })).toBeUndefined();
    expect(reference({})).toEqual({ error: 'kubernetes_not_configured' });
    await rm(home, { recursive: true, force: true });
  });
});

describe('createKubernetesClusterFactory: the client is built at the first call', () => {
  it('names the cluster before it is built, and a kubeconfig that cannot be used fails each call with the reason', async () => {
    const clusters = createKubernetesClusterFactory({
      kubeconfigPath: file('prod'),
      log: createLogger({ level: 'silent' }),
    });
    expect(clusters('prod-eu').description).toBe('prod-eu/shop');
    expect(clusters(undefined).description).toBe('prod-eu/shop');
    const unknown = clusters('staging');
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(unknown.getDeployment('default', 'kaizen')).rejects.toMatchObject({
        code: 'kubernetes_context_unknown',
        hint: expect.stringContaining('prod-eu, prod-us') as unknown,
      });
    }
  });

  it('keeps a failed build for a few seconds (a burst of calls reads the kubeconfig once), then reads it again', async () => {
    let clock = 1_000_000;
    const path = file('rotating');
    await writeFile(
      path,
      kubeconfig({ clusters: { eu: 'https://eu.example.com' }, contexts: { 'prod-eu': ['eu'] } }),
    );
    const clusters = createKubernetesClusterFactory({
      kubeconfigPath: path,
      log: createLogger({ level: 'silent' }),
      retry: { attempts: 1, baseDelayMs: 1 },
      requestTimeoutMs: 2_000,
      timing: { now: () => clock },
    });
    const dev = clusters('dev');
    await expect(dev.getDeployment('dev', 'kaizen')).rejects.toMatchObject({
      code: 'kubernetes_context_unknown',
    });
    // The context is added; within the 5 s the kubeconfig is not read again.
    await writeFile(
      path,
      kubeconfig({ clusters: { dev: ['http://127.0.0.1:9', true] }, contexts: { dev: ['dev', 'dev'] } }),
    );
    clock += 4_000;
    await expect(dev.getDeployment('dev', 'kaizen')).rejects.toMatchObject({
      code: 'kubernetes_context_unknown',
    });
    // After them it is: the context is found and the call reaches for the (closed) port.
    clock += 1_000;
    const later = await dev.getDeployment('dev', 'kaizen').then(
      () => undefined,
      (error: unknown) => error as { code?: string },
    );
    expect(later?.code).toBeDefined();
    expect(later?.code).not.toBe('kubernetes_context_unknown');
    expect(dev.description).toBe('dev/dev');
  });
});
