import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { runKubectl } from '../../../support/fake-kube/run-kubectl.js';
import { kaizenService, plan, rollbackRequest, settled, strategyFor } from './strategy-harness.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

/** The manifests a team keeps in Git: the good one, and the bad one (new image, one more variable). */
function manifest(image: string, extraEnv: boolean): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: kaizen, namespace: default}',
    'spec:',
    '  replicas: 2',
    '  selector: {matchLabels: {app: kaizen}}',
    '  template:',
    '    metadata: {labels: {app: kaizen}}',
    '    spec:',
    '      containers:',
    '      - name: kaizen',
    `        image: ${image}`,
    '        env:',
    '        - {name: MODE, value: "safe"}',
    ...(extraEnv ? ['        - {name: NEW_CACHE, value: "on"}'] : []),
    '',
  ].join('\n');
}

interface Applied {
  fake: FakeKube;
  good: string;
  bad: string;
  kubectl(args: string[]): ReturnType<typeof runKubectl>;
}

/** kaizen created with `kubectl apply` of the good manifest, then the bad one applied over it. */
async function appliedTwice(): Promise<Applied> {
  const fake = await startFakeKube({ readyDelayMs: 10 });
  open.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'apply-safe-'));
  open.push({ close: () => rm(dir, { recursive: true, force: true }) });
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  await writeFile(good, manifest('kaizen:v0.7.0', false));
  await writeFile(bad, manifest('kaizen:v0.8.0', true));
  // The fake serves no OpenAPI document, so kubectl's client-side schema validation is off; the apply
  // itself (three-way strategic merge from last-applied-configuration) is kubectl's own.
  const kubectl = (args: string[]) => runKubectl(fake, args);
  expect((await kubectl(['apply', '--validate=false', '-f', good])).stdout).toBe(
    'deployment.apps/kaizen created',
  );
  await settled(fake);
  expect((await kubectl(['apply', '--validate=false', '-f', bad])).stdout).toBe(
    'deployment.apps/kaizen configured',
  );
  await settled(fake);
  return { fake, good, bad, kubectl };
}

describe('apply-safe undo: last-applied-configuration matches what runs after the rollback', () => {
  it('after the bot rolls back, applying the good manifest changes nothing and the bad one shows as a change', async () => {
    const { fake, good, bad, kubectl } = await appliedTwice();
    const run = await plan(strategyFor(fake), kaizenService(), rollbackRequest());
    expect(run.steps.length).toBeGreaterThan(0);
    const { ctx, details } = run.context();
    await run.step('rollback').run(ctx);
    await settled(fake);
    expect(details.at(-1)).toContain(
      'kubectl.kubernetes.io/last-applied-configuration now matches it, so a later kubectl apply of the restored manifest changes nothing',
    );
    const generation = fake.deployment('default', 'kaizen').metadata?.generation;

    expect((await kubectl(['diff', '-f', good])).exitCode).toBe(0);
    expect((await kubectl(['apply', '--validate=false', '-f', good])).stdout).toBe(
      'deployment.apps/kaizen unchanged',
    );
    expect(fake.deployment('default', 'kaizen').metadata?.generation).toBe(generation);

    const diff = await kubectl(['diff', '-f', bad]);
    expect(diff.exitCode).toBe(1);
    expect(diff.stdout).toContain('+        image: kaizen:v0.8.0');
    expect(diff.stdout).toContain('+        - name: NEW_CACHE');
  });

  it("without it (kubectl rollout undo alone) the bad manifest stays the base of kubectl apply's merge", async () => {
    const { fake, good, kubectl } = await appliedTwice();
    expect((await kubectl(['rollout', 'undo', 'deployment/kaizen'])).exitCode).toBe(0);
    await settled(fake);
    const annotation =
      fake.deployment('default', 'kaizen').metadata?.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ] ?? '';
    expect(annotation).toContain('kaizen:v0.8.0');
    expect((await kubectl(['apply', '--validate=false', '-f', good])).stdout).toBe(
      'deployment.apps/kaizen configured',
    );
  });

  it('an image rollback rewrites it too; a Deployment never applied with kubectl gets no annotation', async () => {
    const { fake, good, kubectl } = await appliedTwice();
    const service = kaizenService({ kubernetes: { tags: ['v0.7.0', 'v0.8.0'] } });
    const run = await plan(strategyFor(fake), service, rollbackRequest({ version: 'v0.7.0' }));
    expect(run.steps.length).toBeGreaterThan(0);
    await run.step('rollback').run(run.context().ctx);
    await settled(fake);
    const lastApplied = JSON.parse(
      fake.deployment('default', 'kaizen').metadata?.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ] ?? '{}',
    ) as { spec: { template: { spec: { containers: { image: string; env: unknown[] }[] } } } };
    // The image changed, the rest of the applied manifest (the extra variable) is what runs: still there.
    expect(lastApplied.spec.template.spec.containers[0]?.image).toBe('kaizen:v0.7.0');
    expect(lastApplied.spec.template.spec.containers[0]?.env).toHaveLength(2);
    expect((await kubectl(['diff', '-f', good])).exitCode).toBe(1);

    await fake.createDeployment({ name: 'plain', container: 'plain', image: 'plain:v1' });
    await fake.deploy('default', 'plain', 'plain', 'plain:v2');
    const plain = kaizenService({ kubernetes: { deployment: 'plain', container: 'plain', image: 'plain' } });
    const undo = await plan(strategyFor(fake), plain, rollbackRequest());
    await undo.step('rollback').run(undo.context().ctx);
    expect(
      fake.deployment('default', 'plain').metadata?.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toBeUndefined();
  });
});
