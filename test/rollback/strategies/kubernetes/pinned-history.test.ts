import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollbackError } from '../../../../src/errors/rollback-error.js';
import type { KubernetesStrategy } from '../../../../src/rollback/strategies/kubernetes/kubernetes-strategy.js';
import { findLastKnownGood } from '../../../../src/rollback/versions/last-known-good.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { kubectlImage } from '../../../support/fake-kube/run-kubectl.js';
import { startFakeRegistry, type FakeRegistry } from '../../../support/fake-registry/index.js';
import { kaizenService, plan, registryStrategyFor, rollbackRequest } from './strategy-harness.js';

/**
 * A Deployment whose v0.7.0 only ever ran pinned by digest (`<repo>:v0.7.0@sha256:…`, as `kubernetes.pinDigest`
 * or a CD system that pins leaves it): v0.7.0 is a version that ran here, and what ran is that digest.
 */
let kube: FakeKube;
let registry: FakeRegistry;
let repository: string;
/** The digest v0.7.0 ran as (revision 2). */
let ranDigest: string;

const strategy = (): KubernetesStrategy => registryStrategyFor(kube);

/** No `tags:`, no `pinDigest`: v0.7.0 can only be known from the Deployment's history. */
const service = (registryConfigured = false): ReturnType<typeof kaizenService> =>
  kaizenService({
    kubernetes: {
      image: repository,
      ...(registryConfigured ? { registry: { insecure: true, timeout: '2s' } } : {}),
    },
  });

beforeAll(async () => {
  [kube, registry] = await Promise.all([
    startFakeKube({ readyDelayMs: 10 }),
    startFakeRegistry({ auth: 'none' }),
  ]);
  repository = `${registry.host}/kaizen`;
  for (const tag of ['v0.6.0', 'v0.7.0', 'v0.8.0']) registry.pushImage('kaizen', tag);
  ranDigest = registry.digestOf('kaizen', 'v0.7.0') ?? '';
  await kube.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: `${repository}:v0.6.0`,
    replicas: 2,
  });
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.7.0@${ranDigest}`);
  await kube.deploy('default', 'kaizen', 'kaizen', `${repository}:v0.8.0`);
  // The tag moves afterwards: v0.7.0 now names an image that never ran here.
  registry.pushImage('kaizen', 'v0.7.0');
}, 60_000);

afterAll(async () => {
  await Promise.all([kube?.close(), registry?.close()]);
});

describe('a version that only ran pinned by digest', () => {
  it('is a known target (history), and the rollback sets the digest that ran, not the moved tag', async () => {
    const resolved = await strategy().resolve(
      service(true),
      rollbackRequest({ version: 'v0.7.0', dryRun: true }),
    );
    expect(resolved.knownFrom).toBe('history');
    expect(resolved.versions).toEqual({ from: 'v0.8.0', to: 'v0.7.0' });
    expect(resolved.target).toMatchObject({ image: `${repository}:v0.7.0@${ranDigest}`, ranWith: ranDigest });
    const moved = registry.digestOf('kaizen', 'v0.7.0') ?? '';
    expect(moved).not.toBe(ranDigest);
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings?.[0]).toContain(`${repository}:v0.7.0 now points at ${moved.slice(0, 19)}…`);
    expect(resolved.warnings?.[0]).toContain(
      `Pinned to the image that ran: ${repository}:v0.7.0@${ranDigest} (v0.7.0 ran here only pinned by digest).`,
    );
  });

  it('is known without a registry too, and the rollback runs that digest (as real kubectl shows)', async () => {
    const run = await plan(strategy(), service(), rollbackRequest({ version: 'v0.7.0' }));
    const context = run.context();
    for (const step of run.steps) await step.run(context.ctx);
    expect(await kubectlImage(kube, 'kaizen')).toBe(`${repository}:v0.7.0@${ranDigest}`);
  });

  it('is the version it runs now: asked again, it already runs; versions and the last known good name it v0.7.0', async () => {
    const again = await strategy()
      .resolve(service(), rollbackRequest({ version: 'v0.7.0', dryRun: true }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(again).toBeInstanceOf(RollbackError);
    expect(again).toMatchObject({ code: 'already_current' });
    const entries = await strategy().listVersions(service());
    const current = entries.find((e) => e.current === true);
    expect(current).toMatchObject({ version: 'v0.7.0' });
    // The bot left v0.8.0 for it: the last known good is the newest other version that ran, v0.6.0.
    const good = findLastKnownGood(entries, [{ jobId: 'kaizen-1', from: 'v0.8.0', to: 'v0.7.0' }]);
    expect(good?.entry.version).toBe('v0.6.0');
    const older = await strategy().resolve(service(), rollbackRequest({ version: 'v0.6.0', dryRun: true }));
    expect(older.from).toBe('v0.7.0 (revision 4)');
    expect(older.versions).toEqual({ from: 'v0.7.0', to: 'v0.6.0' });
  });
});
