import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { PermanentError } from '../../../src/errors/rollback-error.js';
import { loadKubeConfig } from '../../../src/targets/kubernetes/load-kube-config.js';

let directory: string;
let path: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'kubeconfig-test-'));
  path = join(directory, 'config');
  await writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'eu', cluster: { server: 'https://eu.example.com' } },
        { name: 'us', cluster: { server: 'https://us.example.com' } },
      ],
      users: [{ name: 'bot', user: { token: 'secret' } }],
      contexts: [
        { name: 'prod-eu', context: { cluster: 'eu', user: 'bot', namespace: 'shop' } },
        { name: 'prod-us', context: { cluster: 'us', user: 'bot' } },
      ],
      'current-context': 'prod-eu',
    }),
  );
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('loadKubeConfig', () => {
  it('loads the given file and selects the requested context, else the current one', () => {
    expect(loadKubeConfig({ kubeconfigPath: path }).context).toBe('prod-eu');
    const us = loadKubeConfig({ kubeconfigPath: path, context: 'prod-us' });
    expect(us).toMatchObject({ source: 'file', context: 'prod-us' });
    expect(us.kubeConfig.getCurrentCluster()?.server).toBe('https://us.example.com');
  });

  it('names the known contexts when the requested one does not exist', () => {
    const error = (() => {
      try {
        loadKubeConfig({ kubeconfigPath: path, context: 'staging' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'kubernetes_context_unknown',
      hint: expect.stringContaining('prod-eu, prod-us') as unknown,
    });
  });

  it('uses the pod service account when running in a pod and no file is given', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const loaded = loadKubeConfig({});
    expect(loaded.source).toBe('in-cluster');
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });
});
