import { serviceSchema, type ServiceConfig } from '../../../../src/config/service-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import type { RollbackRequest } from '../../../../src/rollback/plan.js';
import type { ImageDigests } from '../../../../src/rollback/ports/image-digests.js';
import { KubernetesStrategy } from '../../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import type { RollbackStep } from '../../../../src/rollback/step.js';
import { createKubernetesClusterFactory } from '../../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { createImageRegistryFactory } from '../../../../src/targets/registry/create-image-registry-factory.js';
import { LocalCommandRunner } from '../../../../src/targets/shell/local-command-runner.js';
import type { FakeKube } from '../../../support/fake-kube/index.js';
import { testPlan, testStepContext, type TestStepContext } from './step-context.js';

/** The production strategy and client wired to a fake API server. */
export function strategyFor(fake: FakeKube): KubernetesStrategy {
  const clusterFactory = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  return new KubernetesStrategy({
    clusterFactory,
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    pollIntervalMs: 100,
  });
}

/**
 * The production strategy against a fake API server that also asks image registries (for services with
 * `kubernetes.registry`), with short retries; `imageDigests`: where the digests images ran with are recorded.
 */
export function registryStrategyFor(fake: FakeKube, imageDigests?: ImageDigests): KubernetesStrategy {
  return new KubernetesStrategy({
    clusterFactory: createKubernetesClusterFactory({
      kubeconfigPath: fake.kubeconfigPath,
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5 },
    }),
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
    pollIntervalMs: 50,
    registryFactory: createImageRegistryFactory({
      log: silentLogger(),
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    }),
    ...(imageDigests ? { imageDigests } : {}),
  });
}

export function kaizenService(
  extra: {
    kubernetes?: Record<string, unknown>;
    verify?: Record<string, unknown>;
    gitops?: Record<string, unknown>;
  } = {},
): ServiceConfig {
  return serviceSchema.parse({
    name: 'kaizen',
    channel: 'C0123',
    strategy: 'kubernetes',
    kubernetes: {
      context: 'fake',
      namespace: 'default',
      deployment: 'kaizen',
      container: 'kaizen',
      image: 'kaizen',
      rolloutTimeout: '20s',
      ...extra.kubernetes,
    },
    ...(extra.verify ? { verify: extra.verify } : {}),
    ...(extra.gitops ? { gitops: extra.gitops } : {}),
  });
}

export function rollbackRequest(extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    service: 'kaizen',
    dryRun: false,
    requester: { id: 'U1', name: 'alice', source: 'slack' },
    ...extra,
  };
}

export interface PlannedRun {
  steps: RollbackStep[];
  context(memory?: Map<string, unknown>, signal?: AbortSignal): TestStepContext;
  step(id: string): RollbackStep;
}

/** Resolves the request now (as the bot does when it accepts the command) and builds the steps. */
export async function plan(
  strategy: KubernetesStrategy,
  service: ServiceConfig,
  request: RollbackRequest,
): Promise<PlannedRun> {
  const resolved = await strategy.resolve(service, request);
  const steps = strategy.steps(service, resolved.target);
  const rollbackPlan = testPlan({
    ...resolved,
    request,
    steps: steps.map((s) => ({ id: s.id, title: s.title })),
  });
  return {
    steps,
    context: (memory, signal) =>
      testStepContext({
        plan: rollbackPlan,
        service,
        ...(memory ? { memory } : {}),
        ...(signal ? { signal } : {}),
      }),
    step: (id) => {
      const found = steps.find((s) => s.id === id);
      if (!found) throw new Error(`no step ${id}`);
      return found;
    },
  };
}

/** The fake's Deployment once the controller observed its spec and the rollout finished. */
export async function settled(fake: FakeKube, name = 'kaizen'): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const d = fake.deployment('default', name);
    const s = d.status ?? {};
    const done =
      (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
      (s.updatedReplicas ?? 0) === d.spec?.replicas &&
      (s.replicas ?? 0) === d.spec?.replicas &&
      (s.availableReplicas ?? 0) === d.spec?.replicas;
    if (done) return;
    if (Date.now() > deadline) throw new Error(`deployment ${name} did not settle: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
