import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/rollback-error.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { runKubectl } from '../../../support/fake-kube/run-kubectl.js';
import { kaizenService, rollbackRequest, strategyFor } from './strategy-harness.js';
import { refusal } from '../../../support/refusal.js';

const open: FakeKube[] = [];
afterEach(async () => {
  for (const fake of open.splice(0)) await fake.close();
});

async function fakeKube(readyDelayMs = 10): Promise<FakeKube> {
  const fake = await startFakeKube({ readyDelayMs });
  open.push(fake);
  return fake;
}

const writes = (fake: FakeKube): number => fake.requests.filter((r) => r.method !== 'GET').length;

describe('who else manages the Deployment, shown in the plan', () => {
  it('names the Argo CD Application and the image updater from their marks on the Deployment', async () => {
    const fake = await fakeKube();
    await fake.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.7.0',
      metadata: {
        annotations: {
          'argocd.argoproj.io/tracking-id': 'kaizen:apps/Deployment:default/kaizen',
          'argocd-image-updater.argoproj.io/image-list': 'kaizen=kaizen',
        },
      },
    });
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const plan = await strategyFor(fake).resolve(kaizenService(), rollbackRequest());
    // The Application is not in this cluster: said so (the hold itself is tested in test/rollback/gitops).
    expect(plan.warnings).toEqual([
      'deployment/kaizen names Argo CD Application argocd/kaizen, which does not exist here: nothing to hold.',
      'deployment/kaizen is watched by an image updater (annotation argocd-image-updater.argoproj.io/image-list): it may write the newest tag back after the rollback.',
    ]);
    // Argo CD's tracking label alone (Helm charts set it too), with no such Application: a "probably".
    await fake.createDeployment({
      name: 'labelled',
      container: 'labelled',
      image: 'labelled:v1',
      metadata: { labels: { 'app.kubernetes.io/instance': 'labelled' } },
    });
    await fake.deploy('default', 'labelled', 'labelled', 'labelled:v2');
    const labelled = kaizenService({
      kubernetes: { deployment: 'labelled', container: 'labelled', image: 'labelled' },
    });
    expect((await strategyFor(fake).resolve(labelled, rollbackRequest())).warnings).toEqual([
      'deployment/labelled is managed by probably Argo CD Application labelled (label app.kubernetes.io/instance): ' +
        "with automated sync it puts the version in Git back. Hold it while the rollback stands (gitops.pause in the service's config) and revert the change in Git.",
    ]);
  });

  it('names the Flux Kustomization from the kustomize controller labels; none for an unmarked Deployment', async () => {
    const fake = await fakeKube();
    await fake.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.7.0',
      metadata: {
        labels: {
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      },
    });
    await fake.createDeployment({ name: 'plain', container: 'plain', image: 'plain:v1' });
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    await fake.deploy('default', 'plain', 'plain', 'plain:v2');
    const plan = await strategyFor(fake).resolve(kaizenService(), rollbackRequest());
    expect(plan.warnings).toEqual([
      'deployment/kaizen names Flux Kustomization flux-system/apps, which does not exist here: nothing to hold.',
    ]);
    const plain = kaizenService({ kubernetes: { deployment: 'plain', container: 'plain', image: 'plain' } });
    expect((await strategyFor(fake).resolve(plain, rollbackRequest())).warnings).toBeUndefined();
  });
});

describe('known traps, refused before anything changes', () => {
  it('says a revision was pruned by revisionHistoryLimit and offers the image rollback', async () => {
    const fake = await fakeKube();
    await fake.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.5.0',
      revisionHistoryLimit: 1,
    });
    for (const tag of ['v0.6.0', 'v0.7.0', 'v0.8.0'])
      await fake.deploy('default', 'kaizen', 'kaizen', `kaizen:${tag}`);
    const service = kaizenService({ kubernetes: { tags: ['v0.5.0', 'v0.6.0', 'v0.7.0', 'v0.8.0'] } });
    const before = writes(fake);
    const error = await refusal(strategyFor(fake).resolve(service, rollbackRequest({ toRevision: 1 })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe('revision_pruned');
    expect(error.message).toBe(
      'Revision 1 of deployment/kaizen was pruned: revisionHistoryLimit is 1 and the oldest revision kept is 3. Nothing was changed.',
    );
    expect(error.hint).toBe(
      'Roll back by image instead: name the version it ran (one of v0.5.0, v0.6.0, v0.7.0, v0.8.0).',
    );
    // A revision that never existed is still kubectl's plain "not found".
    const unknown = await refusal(strategyFor(fake).resolve(service, rollbackRequest({ toRevision: 9 })));
    expect(unknown.code).toBe('unknown_revision');
    expect(writes(fake)).toBe(before);
  });

  it('refuses a rollout someone else is driving, but not a failing one (rolling that back is the point)', async () => {
    const fake = await fakeKube(1_500);
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
    const set = await runKubectl(fake, ['set', 'image', 'deployment/kaizen', 'kaizen=kaizen:v0.8.0']);
    expect(set.exitCode).toBe(0);
    const error = await refusal(strategyFor(fake).resolve(kaizenService(), rollbackRequest()));
    expect(error.code).toBe('deployment_rollout_in_progress');
    expect(error.message).toMatch(
      /^deployment\/kaizen is in the middle of a rollout that is not the bot's: (revision 2 \(kaizen:v0\.8\.0\) is rolling out and healthy so far|a change to it)/,
    );
    expect(error.hint).toContain('kubectl rollout status deployment/kaizen -n default --context fake');

    fake.markImageBroken('kaizen:v0.9.0');
    const broken = await runKubectl(fake, ['set', 'image', 'deployment/kaizen', 'kaizen=kaizen:v0.9.0']);
    expect(broken.exitCode).toBe(0);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pods = fake.pods('default').filter((p) => p.spec?.containers[0]?.image === 'kaizen:v0.9.0');
      if (pods.some((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > 0)) break;
      if (Date.now() > deadline) throw new Error('the broken pods never crashed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const plan = await strategyFor(fake).resolve(kaizenService(), rollbackRequest({ toRevision: 1 }));
    expect(plan.to).toBe('v0.7.0 (revision 1)');
  });

  it('refuses a paused Deployment with who paused it in mind', async () => {
    const fake = await fakeKube();
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    fake.pause('default', 'kaizen');
    const error = await refusal(strategyFor(fake).resolve(kaizenService(), rollbackRequest()));
    expect(error.code).toBe('deployment_paused');
    expect(error.hint).toBe(
      'Someone paused it (kubectl rollout pause). If that pause is over, run kubectl rollout resume deployment/kaizen -n default --context fake and try again.',
    );
  });
});
