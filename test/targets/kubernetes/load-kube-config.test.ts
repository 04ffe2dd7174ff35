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
    expect(loadKubeConfig({ kubeconfigPath: path, environment: {} }).context).toBe('prod-eu');
    const us = loadKubeConfig({ kubeconfigPath: path, context: 'prod-us', environment: {} });
    expect(us).toMatchObject({ source: 'file', context: 'prod-us' });
    expect(us.kubeConfig.getCurrentCluster()?.server).toBe('https://us.example.com');
  });

  it('names the known contexts when the requested one does not exist', () => {
    const error = (() => {
      try {
        loadKubeConfig({ kubeconfigPath: path, context: 'staging', environment: {} });
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

  it('says plainly that no cluster is configured, and what to set, when there is no kubeconfig and no pod', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kubeconfig-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    try {
      expect(() => loadKubeConfig({ environment: process.env })).toThrow(
        expect.objectContaining({
          code: 'kubernetes_not_configured',
          message: expect.stringMatching(/^No Kubernetes cluster is configured/) as unknown,
          hint: expect.stringMatching(/KUBECONFIG.*~\/\.kube\/config.*service account/) as unknown,
        }),
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('refuses a plain-http server without insecure-skip-tls-verify with the fix, not a TLS error later', async () => {
    const plain = join(directory, 'plain-http');
    await writeFile(
      plain,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'dev', cluster: { server: 'http://127.0.0.1:8001' } }],
        users: [{ name: 'me', user: {} }],
        contexts: [{ name: 'dev', context: { cluster: 'dev', user: 'me' } }],
        'current-context': 'dev',
      }),
    );
    expect(() => loadKubeConfig({ kubeconfigPath: plain, environment: {} })).toThrow(
      expect.objectContaining({
        code: 'kubernetes_config',
        message: expect.stringContaining('plain http (http://127.0.0.1:8001)') as unknown,
        hint: expect.stringContaining('insecure-skip-tls-verify: true') as unknown,
      }),
    );
  });

  it('uses the pod service account when running in a pod and no file is given', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const loaded = loadKubeConfig({ environment: process.env });
    expect(loaded.source).toBe('in-cluster');
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });
});
