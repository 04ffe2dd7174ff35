import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/catalog.js';
import { serviceSchema, type ServiceConfig } from '../../../src/config/service-schema.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { RollbackRequest } from '../../../src/rollback/plan.js';
import { RollbackPlanner } from '../../../src/rollback/rollback-planner.js';
import { Runbooks } from '../../../src/rollback/runbooks.js';
import { KubernetesStrategy } from '../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { createImageRegistryFactory } from '../../../src/targets/registry/create-image-registry-factory.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { startFakeRegistry, type FakeRegistry } from '../../support/fake-registry/index.js';
import { refusal } from '../../support/refusal.js';

let kube: FakeKube;
let registry: FakeRegistry;
let repository: string;

const dockerConfig = (host: string, username: string, password: string): string =>
  JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });

beforeAll(async () => {
  [kube, registry] = await Promise.all([
    startFakeKube({ readyDelayMs: 10 }),
    startFakeRegistry({ users: { ci: 'pull-pass' } }),
  ]);
  repository = `${registry.host}/team/kaizen`;
  for (const tag of ['v0.6.0', 'v0.7.0', 'v0.8.0', 'v0.9.0', 'v0.7.1'])
    registry.pushImage('team/kaizen', tag);
  registry.setAccess('team/kaizen', { public: false, users: ['ci'] });
  kube.createSecret({
    name: 'kaizen-pull',
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': dockerConfig(registry.host, 'ci', 'pull-pass') },
  });
  // Ran here: v0.6.0, v0.7.0, then the bad deploy v0.8.0. v0.7.1 and v0.9.0 were only pushed.
  await kube.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: `${repository}:v0.6.0`,
    replicas: 1,
    podSpec: { imagePullSecrets: [{ name: 'kaizen-pull' }] },
  });
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.7.0`);
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.8.0`);
});

afterAll(async () => {
  await Promise.all([kube?.close(), registry?.close()]);
});

beforeEach(() => {
  registry.clearFaults();
  registry.requests.splice(0);
});

function service(extra: Record<string, unknown> = {}): ServiceConfig {
  return serviceSchema.parse({
    name: 'kaizen',
    channel: 'C0123',
    strategy: 'kubernetes',
    kubernetes: {
      context: 'fake',
      namespace: 'default',
      deployment: 'kaizen',
      container: 'kaizen',
      image: repository,
      registry: { insecure: true, timeout: '3s' },
      ...extra,
    },
  });
}

function planner(config: ServiceConfig): RollbackPlanner {
  const strategy = new KubernetesStrategy({
    clusterFactory: createKubernetesClusterFactory({
      kubeconfigPath: kube.kubeconfigPath,
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5 },
    }),
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    registryFactory: createImageRegistryFactory({
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    }),
  });
  return new RollbackPlanner({
    catalog: new Catalog([config]),
    runbooks: new Runbooks(new Map([['kubernetes', strategy]])),
    now: () => new Date('2026-12-03T15:00:00Z'),
  });
}

function request(version: string, extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    service: 'kaizen',
    version,
    dryRun: true,
    requester: { id: 'U1', name: 'alice', source: 'slack' },
    ...extra,
  };
}

const manifestHeads = (): number =>
  registry.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/manifests/')).length;

describe('known targets only (Kubernetes image rollbacks)', () => {
  it('accepts a version whose image ran in the Deployment, confirmed by the registry with the pull secret', async () => {
    const plan = await planner(service()).plan(request('v0.7.0'));
    expect(plan.to).toBe('v0.7.0');
    expect(plan.knownFrom).toBe('history');
    expect(plan.exceptions).toBeUndefined();
    expect(plan.warnings).toBeUndefined();
    // The token flow: an anonymous HEAD (401), a token with the imagePullSecret's Basic, the HEAD again.
    expect(registry.requests.map((r) => `${r.method} ${r.auth}`)).toEqual([
      'HEAD none',
      'GET basic',
      'HEAD bearer',
    ]);
  });

  it('refuses a version that never ran and the registry does not have, listing what is available', async () => {
    const error = await refusal(planner(service()).plan(request('v0.6.9')));
    expect(error.code).toBe('unknown_version');
    expect(error.message).toBe(
      `v0.6.9 is not a known version of kaizen: it never ran in deployment/kaizen, the registry has no ${repository}:v0.6.9.`,
    );
    expect(error.hint).toContain('Available: v0.7.0, v0.6.0.');
    expect(error.next).toEqual([{ command: 'versions', args: ['kaizen'] }]);
  });

  it('refuses a version only the registry has without --allow-unlisted, and marks it with the flag', async () => {
    const error = await refusal(planner(service()).plan(request('v0.7.1')));
    expect(error.code).toBe('unlisted_needs_flag');
    expect(error.message).toContain('v0.7.1 never ran in kaizen');
    expect(error.next).toContainEqual({
      command: 'rollback',
      args: ['kaizen', 'v0.7.1', '--allow-unlisted'],
    });

    const plan = await planner(service()).plan(request('v0.7.1', { allowUnlisted: true }));
    expect(plan.knownFrom).toBe('registry');
    expect(plan.exceptions).toEqual(['unlisted']);
    expect(plan.warnings?.[0]).toMatch(/^UNLISTED: v0\.7\.1 never ran in kaizen/);
  });

  it('refuses a newer version without --forward; with it the plan says FORWARD', async () => {
    // v0.9.0 is in the registry but never ran: it needs both flags.
    const config = service({ tags: ['v0.9.0', 'v0.7.0'] });
    const error = await refusal(planner(config).plan(request('v0.9.0')));
    expect(error.code).toBe('forward_needs_flag');
    expect(error.message).toBe(
      'v0.9.0 is newer than the current v0.8.0: that is a roll forward, not a rollback.',
    );
    const plan = await planner(config).plan(request('v0.9.0', { forward: true }));
    expect(plan.knownFrom).toBe('tags');
    expect(plan.exceptions).toEqual(['forward']);
    expect(plan.warnings).toEqual(['FORWARD: v0.9.0 is newer than the current v0.8.0 (--forward)']);
  });

  it('says plainly when the registry cannot be asked: a history version still goes, an unknown one does not', async () => {
    registry.injectFault({ status: 500, times: 10, on: 'any' });
    const plan = await planner(service()).plan(request('v0.7.0'));
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings?.[0]).toMatch(
      /^Registry not checked: .*500.*Accepted because it ran here before\.$/,
    );

    const error = await refusal(planner(service()).plan(request('v0.7.1')));
    expect(error.code).toBe('version_unverified');
    expect(error.message).toMatch(
      /v0\.7\.1 is not a known version of kaizen .* and the registry could not be asked: .*500/,
    );
  });

  it('reports refused credentials (401) as the registry being unavailable, naming no secret', async () => {
    registry.injectFault({ status: 401, times: 10, on: 'token' });
    const error = await refusal(planner(service()).plan(request('v0.7.1')));
    expect(error.code).toBe('version_unverified');
    expect(error.message).not.toContain('pull-pass');
    expect(error.message).toMatch(/registry could not be asked/);
  });

  it('asks no registry for a service without kubernetes.registry, and says how to enable it', async () => {
    const config = service({ registry: undefined });
    const error = await refusal(planner(config).plan(request('v0.7.1')));
    expect(error.code).toBe('unknown_version');
    expect(error.hint).toContain('configure kubernetes.registry');
    expect(registry.requests).toHaveLength(0);
    await expect(planner(config).plan(request('v0.7.0'))).resolves.toMatchObject({ knownFrom: 'history' });
  });

  it('warns when a version that ran here is gone from the registry', async () => {
    registry.deleteTag('team/kaizen', 'v0.6.0');
    const plan = await planner(service()).plan(request('v0.6.0'));
    expect(plan.warnings).toEqual([
      `The registry has no ${repository}:v0.6.0 (it ran here before): pods may fail to pull it (ImagePullBackOff); the pre-checks stop the rollback before any change if it is still missing then.`,
    ]);
    registry.pushImage('team/kaizen', 'v0.6.0');
  });

  it('makes one manifest check per plan, and reuses the token of one planner', async () => {
    const shared = planner(service());
    await shared.plan(request('v0.7.0'));
    await shared.plan(request('v0.6.0'));
    expect(manifestHeads()).toBe(3);
    expect(registry.requests.filter((r) => r.path.startsWith('/token'))).toHaveLength(1);
  });

  it('keeps "previous" and revisions as history, with the direction checked on their images', async () => {
    const plan = await planner(service()).plan({ ...request('x'), version: undefined });
    expect(plan.to).toBe('v0.7.0 (revision 2)');
    expect(plan.knownFrom).toBe('history');
    expect(manifestHeads()).toBe(0);
  });
});
