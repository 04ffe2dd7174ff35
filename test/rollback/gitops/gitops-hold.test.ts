import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { compareRole } from '../../manifests/rbac-rules.js';
import type { RbacAttributes } from '../../support/fake-kube/rbac-attributes.js';
import type { Manifest } from '../../support/kustomize.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError, RollbackError } from '../../../src/errors/rollback-error.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { GitopsKeeper } from '../../../src/rollback/gitops/gitops-keeper.js';
import { KubernetesStrategy } from '../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { RedisGitopsHolds } from '../../../src/stores/redis-gitops-holds.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';
import {
  startFakeGitopsController,
  type FakeGitopsController,
} from '../../support/fake-kube/fake-gitops-controller.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';
import { runKubectl } from '../../support/fake-kube/run-kubectl.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { kaizenService, plan, rollbackRequest, settled } from '../strategies/kubernetes/strategy-harness.js';

const prefix = testPrefix('gitops-hold');
const redis = new Redis(TEST_REDIS_URL);
const holds = new RedisGitopsHolds(redis, new RedisKeys(prefix));
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
afterAll(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

const AUTOMATED = { prune: true, selfHeal: true };
const ROLE_FILE = 'manifests/base/gitops-namespace/gitops-role.yaml';
const CD_GROUPS = ['argoproj.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io'];
/** The worker's requests in the scenarios above, for the RBAC check at the end (tests run in order). */
const workerRequests: RbacAttributes[] = [];

interface World {
  fake: FakeKube;
  controller: FakeGitopsController;
  strategy: KubernetesStrategy;
  keeper: GitopsKeeper;
}

/** kaizen at the bad v0.8.0, managed by a CD object that keeps putting v0.8.0 back while it syncs. */
async function managed(kind: 'argocd' | 'kustomization' | 'helmrelease'): Promise<World> {
  const fake = await startFakeKube({ readyDelayMs: 10 });
  open.push(fake);
  const kubeconfigPath = await fake.kubeconfigFor('worker');
  const group = kind === 'helmrelease' ? 'helm.toolkit.fluxcd.io' : 'kustomize.toolkit.fluxcd.io';
  const resource = kind === 'helmrelease' ? 'helmreleases' : 'kustomizations';
  const marks =
    kind === 'argocd'
      ? { annotations: { 'argocd.argoproj.io/tracking-id': 'kaizen:apps/Deployment:default/kaizen' } }
      : { labels: { [`${group}/name`]: 'apps', [`${group}/namespace`]: 'flux-system' } };
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    metadata: marks,
  });
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  if (kind === 'argocd') {
    fake.createCustomObject('applications', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'kaizen', namespace: 'argocd' },
      spec: {
        project: 'default',
        syncPolicy: { automated: AUTOMATED, syncOptions: ['CreateNamespace=true'] },
      },
    });
  } else {
    fake.createCustomObject(resource, {
      apiVersion: kind === 'helmrelease' ? `${group}/v2` : `${group}/v1`,
      kind: kind === 'helmrelease' ? 'HelmRelease' : 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '1m', path: './apps', prune: true },
    });
  }
  const controller = startFakeGitopsController(fake, {
    object: kind === 'argocd' ? ['applications', 'argocd', 'kaizen'] : [resource, 'flux-system', 'apps'],
    deployment: { namespace: 'default', name: 'kaizen', container: 'kaizen' },
    image: 'kaizen:v0.8.0',
  });
  open.push({ close: () => controller.stop() });
  const clusterFactory = createKubernetesClusterFactory({
    kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  const strategy = new KubernetesStrategy({
    clusterFactory,
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    pollIntervalMs: 100,
    gitopsHolds: holds,
  });
  return { fake, controller, strategy, keeper: new GitopsKeeper(holds, clusterFactory) };
}

const image = (fake: FakeKube): string | undefined =>
  fake.deployment('default', 'kaizen').spec?.template.spec?.containers[0]?.image;

async function rollBack(world: World, service: ReturnType<typeof kaizenService>, force = false) {
  const run = await plan(world.strategy, service, rollbackRequest(force ? { force: true } : {}));
  const context = run.context();
  for (const step of run.steps.filter((s) => s.id !== 'verify')) await step.run(context.ctx);
  return { run, context };
}

async function holdsFor(ms: number, fake: FakeKube, expected: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    expect(image(fake)).toBe(expected);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForImage(fake: FakeKube, expected: string): Promise<number> {
  const start = Date.now();
  while (image(fake) !== expected) {
    if (Date.now() - start > 5_000) throw new Error(`the image never became ${expected}: ${image(fake)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

describe('holding the CD system while the rollback stands', () => {
  it('Argo CD: with gitops.pause the automated sync is removed first, the rollback holds, release restores it exactly', async () => {
    const world = await managed('argocd');
    const service = kaizenService({ gitops: { pause: true } });
    const { run, context } = await rollBack(world, service);
    expect(run.steps.map((s) => s.id)).toEqual([
      'identify',
      'precheck',
      'hold-gitops',
      'rollback',
      'monitor',
      'verify',
    ]);
    expect(context.summaries).toContain('GitOps paused');
    expect(context.details).toContain(
      'GitOps paused: removed spec.syncPolicy.automated (was {"prune":true,"selfHeal":true}) on Argo CD Application argocd/kaizen. /rollback release restores it exactly.',
    );
    await settled(world.fake);
    await holdsFor(600, world.fake, 'kaizen:v0.7.0');
    expect(world.controller.syncs()).toBe(0);
    const app = world.fake.customObject('applications', 'argocd', 'kaizen') as {
      spec: { syncPolicy: Record<string, unknown> };
    };
    expect(app.spec.syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true'] });
    expect(await holds.get('kaizen')).toMatchObject({
      description: 'Argo CD Application argocd/kaizen',
      original: { present: true, value: AUTOMATED },
    });

    const outcome = await world.keeper.restore('kaizen');
    expect(outcome).toEqual({
      restored: true,
      message:
        'GitOps resumed: Argo CD Application argocd/kaizen has /spec/syncPolicy/automated {"prune":true,"selfHeal":true} again, as before the rollback.',
    });
    const restored = await runKubectl(world.fake, [
      'get',
      'applications',
      'kaizen',
      '-n',
      'argocd',
      '-o',
      'jsonpath={.spec.syncPolicy}',
    ]);
    expect(JSON.parse(restored.stdout)).toEqual({
      automated: AUTOMATED,
      syncOptions: ['CreateNamespace=true'],
    });
    expect(await holds.get('kaizen')).toBeUndefined();
    // Sync is live again: the controller puts Git's version back (as it will once Git is reverted).
    await waitForImage(world.fake, 'kaizen:v0.8.0');
    workerRequests.push(...world.fake.requests.filter((r) => r.user === 'worker').map((r) => r.rbac));
  });

  it.each(['kustomization', 'helmrelease'] as const)(
    'Flux %s: suspend is set where it was unset, and on release it is unset again (not false)',
    async (kind) => {
      const world = await managed(kind);
      const resource = `${kind}s`;
      await rollBack(world, kaizenService({ gitops: { pause: true } }));
      await settled(world.fake);
      await holdsFor(400, world.fake, 'kaizen:v0.7.0');
      const held = world.fake.customObject(resource, 'flux-system', 'apps') as {
        spec: Record<string, unknown>;
      };
      expect(held.spec['suspend']).toBe(true);
      expect((await world.keeper.restore('kaizen'))?.restored).toBe(true);
      const back = world.fake.customObject(resource, 'flux-system', 'apps') as {
        spec: Record<string, unknown>;
      };
      expect(back.spec).toEqual({ interval: '1m', path: './apps', prune: true });
      workerRequests.push(...world.fake.requests.filter((r) => r.user === 'worker').map((r) => r.rbac));
    },
  );

  it('without permission it refuses with the reason before anything changes', async () => {
    const world = await managed('argocd');
    const writes = world.fake.requests.filter((r) => r.method !== 'GET').length;
    const error = await world.strategy.resolve(kaizenService(), rollbackRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as RollbackError).code).toBe('gitops_hold_not_allowed');
    expect((error as RollbackError).message).toBe(
      "deployment/kaizen is managed by Argo CD Application argocd/kaizen with automated sync on: it will put the bad version back minutes after the rollback, and this service's config does not let the bot pause it (gitops.pause). Nothing was changed.",
    );
    expect((error as RollbackError).hint).toContain('ask again with --force');
    expect(world.fake.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
  });

  it('with --force it rolls back and warns, and the controller indeed reverts it within seconds', async () => {
    const world = await managed('argocd');
    const { run, context } = await rollBack(world, kaizenService(), true);
    expect(run.steps.map((s) => s.id)).not.toContain('hold-gitops');
    expect(context.ctx.plan.warnings?.[0]).toBe(
      "deployment/kaizen is managed by Argo CD Application argocd/kaizen with automated sync on: it will put the bad version back minutes after the rollback, and this service's config does not let the bot pause it (gitops.pause). --force was given: the rollback WILL be reverted at its next sync unless someone pauses it.",
    );
    await waitForImage(world.fake, 'kaizen:v0.8.0');
    expect(world.controller.syncs()).toBeGreaterThan(0);
  });

  it('the gitops Role (manifests/base/gitops-namespace) grants exactly what the holds and restores above used', async () => {
    const role = parse(await readFile(ROLE_FILE, 'utf8')) as Manifest;
    const cd = workerRequests.filter((r) => r.kind === 'resource' && CD_GROUPS.includes(r.group));
    const roles = ['argocd', 'flux-system'].map((namespace) => ({
      ...role,
      metadata: { ...role.metadata, namespace },
    }));
    expect(cd.length).toBeGreaterThan(0);
    expect(compareRole(roles, cd, ROLE_FILE)).toEqual([]);
  });
});
