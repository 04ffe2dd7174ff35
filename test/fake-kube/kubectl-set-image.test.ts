import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

const REVISION = 'deployment.kubernetes.io/revision';

describe('kubectl set image and rollout history against the fake API server', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sets the image with a strategic merge patch and the controller creates revision 2', async () => {
    const result = await runKubectl(fake, ['set', 'image', 'deployment/kaizen', 'kaizen=kaizen:v0.8.0']);

    expect(result).toEqual({ stdout: 'deployment.apps/kaizen image updated', stderr: '', exitCode: 0 });
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch?.path).toMatch(
      /^\/apis\/apps\/v1\/namespaces\/default\/deployments\/kaizen\?fieldManager=kubectl-set$/,
    );
    await expect.poll(() => fake.deployment('default', 'kaizen').status?.updatedReplicas).toBe(3);
    const replicaSets = fake.replicaSets('default');
    expect(replicaSets).toHaveLength(2);
    const newRS = replicaSets.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'kaizen:v0.8.0');
    expect(newRS?.metadata?.annotations?.[REVISION]).toBe('2');
    expect(newRS?.metadata?.name).toMatch(/^kaizen-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(newRS?.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'kaizen',
        uid: fake.deployment('default', 'kaizen').metadata?.uid,
        controller: true,
      }),
    ]);
    expect(fake.deployment('default', 'kaizen').metadata?.annotations?.[REVISION]).toBe('2');
  });

  it('lists revisions in order with their change causes', async () => {
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0', 'ci: deploy v0.8.0');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');

    const result = await runKubectl(fake, ['rollout', 'history', 'deployment/kaizen']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'deployment.apps/kaizen ',
        'REVISION  CHANGE-CAUSE',
        '1         <none>',
        '2         ci: deploy v0.8.0',
        '3         ci: deploy v0.8.0',
        '',
      ].join('\n'),
    );
  });

  it('shows the pod template of one revision', async () => {
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const hash = fake.replicaSets('default').find((rs) => rs.metadata?.annotations?.[REVISION] === '2')
      ?.metadata?.labels?.['pod-template-hash'];

    const result = await runKubectl(fake, ['rollout', 'history', 'deployment/kaizen', '--revision=2']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'deployment.apps/kaizen with revision #2',
        'Pod Template:',
        '  Labels:\tapp=kaizen',
        `\tpod-template-hash=${hash}`,
        '  Containers:',
        '   kaizen:',
        '    Image:\tkaizen:v0.8.0',
        '    Port:\t<none>',
        '    Host Port:\t<none>',
        '    Environment:\t<none>',
        '    Mounts:\t<none>',
        '  Volumes:\t<none>',
        '  Node-Selectors:\t<none>',
        '  Tolerations:\t<none>',
        '',
      ].join('\n'),
    );
  });
});
