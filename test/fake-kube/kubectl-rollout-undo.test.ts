import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

const REVISION = 'deployment.kubernetes.io/revision';
const HISTORY = 'deployment.kubernetes.io/revision-history';

describe('kubectl rollout undo against the fake API server', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.7.0',
      changeCause: 'v0.7.0',
    });
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0', 'v0.8.0');
  });
  afterEach(async () => {
    await fake.close();
  });

  function replicaSetWithImage(image: string) {
    return fake.replicaSets('default').find((rs) => rs.spec?.template?.spec?.containers[0]?.image === image);
  }

  it('rolls back to the previous revision by reusing its ReplicaSet under the next revision number', async () => {
    const original = replicaSetWithImage('kaizen:v0.7.0');

    const result = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen']);

    expect(result).toEqual({ stdout: 'deployment.apps/kaizen rolled back', stderr: '', exitCode: 0 });
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(patch?.body).toEqual([
      expect.objectContaining({ op: 'replace', path: '/spec/template' }),
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: { [REVISION]: '2', 'kubernetes.io/change-cause': 'v0.7.0' },
      },
    ]);
    await expect
      .poll(() => replicaSetWithImage('kaizen:v0.7.0')?.metadata?.annotations?.[REVISION])
      .toBe('3');
    await expect.poll(() => fake.deployment('default', 'kaizen').status?.availableReplicas).toBe(3);
    await expect.poll(() => replicaSetWithImage('kaizen:v0.8.0')?.spec?.replicas).toBe(0);
    const reused = replicaSetWithImage('kaizen:v0.7.0');
    expect(reused?.metadata?.name).toBe(original?.metadata?.name);
    expect(reused?.metadata?.uid).toBe(original?.metadata?.uid);
    expect(reused?.metadata?.annotations?.[HISTORY]).toBe('1');
    expect(fake.replicaSets('default')).toHaveLength(2);
    expect(fake.deployment('default', 'kaizen').spec?.template?.spec?.containers[0]?.image).toBe(
      'kaizen:v0.7.0',
    );

    const history = await runKubectl(fake, ['rollout', 'history', 'deployment/kaizen']);
    expect(history.stdout).toBe(
      ['deployment.apps/kaizen ', 'REVISION  CHANGE-CAUSE', '2         v0.8.0', '3         v0.7.0', ''].join(
        '\n',
      ),
    );
  });

  it('rolls back to an explicit revision', async () => {
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0', 'v0.9.0');

    const result = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen', '--to-revision=1']);

    expect(result).toEqual({ stdout: 'deployment.apps/kaizen rolled back', stderr: '', exitCode: 0 });
    await expect
      .poll(() => replicaSetWithImage('kaizen:v0.7.0')?.metadata?.annotations?.[REVISION])
      .toBe('4');
    await expect.poll(() => fake.deployment('default', 'kaizen').metadata?.annotations?.[REVISION]).toBe('4');
    const history = await runKubectl(fake, ['rollout', 'history', 'deployment/kaizen']);
    expect(history.stdout).toBe(
      [
        'deployment.apps/kaizen ',
        'REVISION  CHANGE-CAUSE',
        '2         v0.8.0',
        '3         v0.9.0',
        '4         v0.7.0',
        '',
      ].join('\n'),
    );
  });

  it('fails with kubectl’s message for a revision that is not in the history', async () => {
    const result = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen', '--to-revision=9']);

    expect(result).toEqual({
      stdout: '',
      stderr: 'error: unable to find specified revision 9 in history',
      exitCode: 1,
    });
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('skips the rollback when the template already matches the revision', async () => {
    const result = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen', '--to-revision=2']);

    expect(result).toEqual({
      stdout: 'deployment.apps/kaizen skipped rollback (current template already matches revision 2)',
      stderr: '',
      exitCode: 0,
    });
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('refuses to roll back a paused deployment', async () => {
    fake.pause('default', 'kaizen');

    const result = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen']);

    // kubectl v1.32 words it so (the resource name is not part of the hint).
    expect(result).toEqual({
      stdout: '',
      stderr:
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
      exitCode: 1,
    });
  });

  it('pause and resume through kubectl: a paused deployment gets no new rollout until resumed', async () => {
    expect((await runKubectl(fake, ['rollout', 'pause', 'deployment/kaizen'])).stdout).toBe(
      'deployment.apps/kaizen paused',
    );
    await expect
      .poll(
        () =>
          fake.deployment('default', 'kaizen').status?.conditions?.find((c) => c.type === 'Progressing')
            ?.reason,
      )
      .toBe('DeploymentPaused');
    expect(
      (await runKubectl(fake, ['set', 'image', 'deployment/kaizen', 'kaizen=kaizen:v1.0.0'])).exitCode,
    ).toBe(0);
    await expect
      .poll(() => fake.deployment('default', 'kaizen').status?.observedGeneration)
      .toBe(fake.deployment('default', 'kaizen').metadata?.generation);
    expect(replicaSetWithImage('kaizen:v1.0.0')).toBeUndefined();

    expect((await runKubectl(fake, ['rollout', 'resume', 'deployment/kaizen'])).stdout).toBe(
      'deployment.apps/kaizen resumed',
    );
    const status = await runKubectl(fake, ['rollout', 'status', 'deployment/kaizen', '--timeout=20s']);

    expect(status.exitCode).toBe(0);
    expect(status.stdout.split('\n').pop()).toBe('deployment "kaizen" successfully rolled out');
    expect(replicaSetWithImage('kaizen:v1.0.0')?.metadata?.annotations?.[REVISION]).toBe('3');
  });
});
