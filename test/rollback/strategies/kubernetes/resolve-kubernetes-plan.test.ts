import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { serviceSchema, type ServiceConfig } from '../../../../src/config/service-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError } from '../../../../src/errors/rollback-error.js';
import type { RollbackRequest } from '../../../../src/rollback/plan.js';
import type { KubernetesCluster } from '../../../../src/rollback/ports/kubernetes-cluster.js';
import { KubernetesStrategy } from '../../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { LocalCommandRunner } from '../../../../src/targets/shell/local-command-runner.js';
import { deployment, history } from './deployment-fixtures.js';

/** A read-only KubernetesCluster over fixed objects (a port double, not a module mock). */
function staticCluster(d: V1Deployment, replicaSets: V1ReplicaSet[]): KubernetesCluster {
  const unexpected = (): never => {
    throw new Error('resolve must only read');
  };
  return {
    description: 'prod-eu/default',
    getDeployment: async () => structuredClone(d),
    listReplicaSets: async (_ns, selector) => {
      expect(selector).toBe('app=kaizen');
      return structuredClone(replicaSets);
    },
    listPods: unexpected,
    patchDeployment: unexpected,
    watchDeployment: unexpected,
    readPodLog: unexpected,
    listEvents: unexpected,
    getSecret: unexpected,
    getConfigMap: unexpected,
    getCustomObject: unexpected,
    patchCustomObject: unexpected,
  };
}

function service(tags?: string[]): ServiceConfig {
  return serviceSchema.parse({
    name: 'kaizen',
    channel: 'C0123',
    strategy: 'kubernetes',
    kubernetes: {
      context: 'prod-eu',
      namespace: 'prod',
      deployment: 'kaizen',
      container: 'kaizen',
      image: 'registry.example.com/kaizen',
      ...(tags ? { tags } : {}),
    },
  });
}

function request(extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    service: 'kaizen',
    dryRun: false,
    requester: { id: 'U1', name: 'alice', source: 'slack' },
    ...extra,
  };
}

function strategyFor(d: V1Deployment, replicaSets: V1ReplicaSet[]): KubernetesStrategy {
  const cluster = staticCluster(d, replicaSets);
  return new KubernetesStrategy({
    clusterFactory: () => cluster,
    commandRunner: new LocalCommandRunner(),
    log: silentLogger(),
  });
}

describe('KubernetesStrategy.resolve', () => {
  it('resolves "previous" now to a concrete revision, ReplicaSet and pod-template-hash', async () => {
    const { deployment: d, replicaSets } = history();
    const plan = await strategyFor(d, replicaSets).resolve(service(), request());
    expect(plan.from).toBe('v0.8.0 (revision 5)');
    expect(plan.to).toBe('v0.7.5 (revision 4)');
    expect(plan.target).toEqual({
      mode: 'undo',
      context: 'prod-eu',
      namespace: 'prod',
      deployment: 'kaizen',
      container: 'kaizen',
      from: { revision: 5, image: 'registry.example.com/kaizen:v0.8.0', replicaSet: 'kaizen-7d9f8b6c5' },
      requested: 'previous',
      toRevision: 4,
      replicaSet: 'kaizen-6f7a8b9c2',
      podTemplateHash: '6f7a8b9c2',
      image: 'registry.example.com/kaizen:v0.7.5',
    });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]?.target).toBe('cluster prod-eu/prod');
    expect(plan.actions[0]?.description).toContain('replace /spec/template with the template of revision 4');
    expect(plan.actions[0]?.description).toContain(
      'kubectl rollout undo deployment/kaizen --to-revision=4 -n prod --context prod-eu',
    );
  });

  it('rolls back to a named revision, and lists the existing ones for an unknown revision', async () => {
    const { deployment: d, replicaSets } = history();
    const plan = await strategyFor(d, replicaSets).resolve(service(), request({ toRevision: 3 }));
    expect(plan.target).toMatchObject({
      mode: 'undo',
      requested: 'revision',
      toRevision: 3,
      replicaSet: 'kaizen-5c8d7e9f1',
    });
    expect(plan.to).toBe('v0.7.0 (revision 3)');
    const error = await strategyFor(d, replicaSets)
      .resolve(service(), request({ toRevision: 7 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'unknown_revision',
      message: 'unable to find specified revision 7 in history',
    });
    expect((error as InputError).hint).toBe(
      'Revisions of deployment/kaizen: 5 (current): registry.example.com/kaizen:v0.8.0; 4: registry.example.com/kaizen:v0.7.5; 3: registry.example.com/kaizen:v0.7.0.',
    );
  });

  it('resolves a version to an image rollback with the exact strategic merge patch in the plan', async () => {
    const { deployment: d, replicaSets } = history();
    const plan = await strategyFor(d, replicaSets).resolve(
      service(['v0.8.0', 'v0.7.0']),
      request({ version: 'v0.7.0' }),
    );
    expect(plan.to).toBe('v0.7.0');
    expect(plan.target).toMatchObject({
      mode: 'image',
      version: 'v0.7.0',
      image: 'registry.example.com/kaizen:v0.7.0',
    });
    expect(plan.actions[0]?.description).toContain(
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"kaizen"},{"name":"envoy"}],"containers":[{"image":"registry.example.com/kaizen:v0.7.0","name":"kaizen"}]}}}}',
    );
  });

  it('refuses versions that never ran and are not in kubernetes.tags, the current image, and a paused Deployment', async () => {
    const { deployment: d, replicaSets } = history();
    await expect(
      strategyFor(d, replicaSets).resolve(service(['v0.8.0', 'v0.7.0']), request({ version: 'v0.6.9' })),
    ).rejects.toMatchObject({
      code: 'unknown_version',
      message:
        'v0.6.9 is not a known version of kaizen: it never ran in deployment/kaizen, it is not in kubernetes.tags.',
      hint: 'Available: v0.7.5, v0.7.0. The registry is not asked: configure kubernetes.registry to accept versions that exist there.',
    });
    await expect(
      strategyFor(d, replicaSets).resolve(service(), request({ version: 'v0.8.0' })),
    ).rejects.toMatchObject({ code: 'already_current' });
    const paused = deployment('registry.example.com/kaizen:v0.8.0', { paused: true });
    const error = await strategyFor(paused, replicaSets)
      .resolve(service(), request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/kaizen' and try again",
    );
  });

  it('lists revisions newest first with the current one marked, then the configured tags', async () => {
    const { deployment: d, replicaSets } = history();
    const versions = await strategyFor(d, replicaSets).listVersions(service(['v0.8.0', 'v0.7.0']));
    expect(versions.map((v) => [v.id, v.current ?? false])).toEqual([
      ['revision:5', true],
      ['revision:4', false],
      ['revision:3', false],
      ['v0.8.0', true],
      ['v0.7.0', false],
    ]);
    expect(versions[2]?.description).toMatch(
      /^revision 3: registry.example.com\/kaizen:v0.7.0, ReplicaSet kaizen-5c8d7e9f1, created 2026-01-03 10:00/,
    );
  });
});
