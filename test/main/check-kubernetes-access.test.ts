import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { serviceSchema, type ServiceConfig } from '../../src/config/service-schema.js';
import { checkKubernetesAccess } from '../../src/main/check-kubernetes-access.js';
import { createLogger } from '../../src/observability/logger.js';
import { kaizenService } from '../support/kaizen-service.js';

function capturedLog(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    log: createLogger({ level: 'info', destination: stream }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const service = (doc: Record<string, unknown>): ServiceConfig => serviceSchema.parse(doc);

describe('checkKubernetesAccess at start-up', () => {
  let home: string;
  let kubeconfig: string;
  const services = () => [
    service(kaizenService()),
    service({ ...kaizenService(), name: 'billing' }),
    service({ name: 'web', channel: '#web', strategy: 'git', git: { path: '/srv/web' } }),
  ];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'no-kube-home-'));
    kubeconfig = join(home, 'prod-kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'prod', cluster: { server: 'https://prod.example.com' } }],
        users: [{ name: 'bot', user: { token: 'not-a-real-token' } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'bot' } }],
        'current-context': 'prod',
      }),
    );
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('warns once, naming the Kubernetes services and what to set, when no cluster is configured', async () => {
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    const { log, lines } = capturedLog();
    const problems = await checkKubernetesAccess({
      services: services(),
      kubeconfigPath: undefined,
      kubeEnvironment: process.env,
      log,
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'kubernetes_not_configured', services: ['kaizen', 'billing'] }),
    ]);
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, code: 'kubernetes_not_configured' });
    expect(logged[0]?.msg).toMatch(
      /^No Kubernetes cluster is configured.*Rollbacks of kaizen, billing through Kubernetes cannot run until then\. Set KUBECONFIG/,
    );
    expect(JSON.stringify(logged)).not.toContain('localhost:8080');
  });

  it('says nothing when the kubeconfig loads, or when no service uses Kubernetes', async () => {
    const { log, lines } = capturedLog();
    expect(
      await checkKubernetesAccess({
        services: services(),
        kubeconfigPath: kubeconfig,
        kubeEnvironment: process.env,
        log,
      }),
    ).toEqual([]);
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    expect(
      await checkKubernetesAccess({
        services: services().slice(2),
        kubeconfigPath: undefined,
        kubeEnvironment: process.env,
        log,
      }),
    ).toEqual([]);
    expect(lines()).toEqual([]);
  });

  it('names a context the kubeconfig does not have, with the services that use it', async () => {
    const { log, lines } = capturedLog();
    const staging = service({
      ...kaizenService(),
      name: 'search',
      kubernetes: { ...(kaizenService().kubernetes as object), context: 'staging' },
    });
    const problems = await checkKubernetesAccess({
      services: [staging],
      kubeconfigPath: kubeconfig,
      kubeEnvironment: process.env,
      log,
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'kubernetes_context_unknown', services: ['search'] }),
    ]);
    expect(lines()[0]).toMatchObject({ level: 40, context: 'staging' });
  });
});
