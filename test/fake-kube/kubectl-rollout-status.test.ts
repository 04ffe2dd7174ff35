import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

const WAITING =
  /^Waiting for deployment "kaizen" rollout to finish: (\d+ out of \d+ new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\.$/;

const SPEC_UPDATE = /^Waiting for deployment spec update to be observed\.\.\.$/;

describe('kubectl rollout status against the fake API server', () => {
  let fake: FakeKube | undefined;

  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('prints progress lines from the watch and then success', async () => {
    fake = await startFakeKube({ readyDelayMs: 150 });
    const kube = fake;
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    // The rollout is held (paused) until `rollout status` watches it, however slowly kubectl starts, so
    // it always sees the rollout in progress and then its end.
    await runKubectl(kube, ['rollout', 'pause', 'deployment/kaizen']);
    await runKubectl(kube, ['set', 'image', 'deployment/kaizen', 'kaizen=kaizen:v0.8.0']);

    const status = runKubectl(kube, ['rollout', 'status', 'deployment/kaizen', '--timeout=60s']);
    await expect
      .poll(() => kube.requests.some((r) => r.path.includes('watch=true')), { timeout: 30_000 })
      .toBe(true);
    expect((await runKubectl(kube, ['rollout', 'resume', 'deployment/kaizen'])).exitCode).toBe(0);
    const result = await status;

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('deployment "kaizen" successfully rolled out');
    expect(lines.length).toBeGreaterThan(0);
    // Right after the resume, kubectl also says it waits for the controller to see the new spec.
    for (const line of lines) expect(line).toMatch(new RegExp(`${WAITING.source}|${SPEC_UPDATE.source}`));
    expect(lines.filter((line) => WAITING.test(line)).length).toBeGreaterThan(0);
    const watch = fake.requests.find((r) => r.path.includes('watch=true'));
    expect(watch?.path).toMatch(/fieldSelector=metadata.name%3Dkaizen/);
    expect(watch?.path).toMatch(/resourceVersion=\d+/);
  }, 60_000);

  it('reports the exceeded progress deadline of a broken image and exits 1', async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({
      name: 'kaizen',
      container: 'kaizen',
      image: 'kaizen:v0.7.0',
      progressDeadlineSeconds: 2,
    });
    fake.markImageBroken('kaizen:v0.9.0');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');

    const result = await runKubectl(fake, ['rollout', 'status', 'deployment/kaizen', '--timeout=20s']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('error: deployment "kaizen" exceeded its progress deadline');
    for (const line of result.stdout.split('\n').filter(Boolean)) expect(line).toMatch(WAITING);
    const deployment = fake.deployment('default', 'kaizen');
    expect(deployment.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(/^ReplicaSet "kaizen-\w+" has timed out progressing\.$/),
    });
    // maxSurge 1, maxUnavailable 0: one broken pod surges, the three old pods keep serving.
    expect(deployment.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1,
    });
    const broken = fake.pods('default').filter((p) => p.spec?.containers[0]?.image === 'kaizen:v0.9.0');
    expect(broken).toHaveLength(1);
    expect(broken[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');

    const pods = await runKubectl(fake, ['get', 'pods', '-l', 'app=kaizen']);
    expect(pods.stdout).toMatch(/kaizen-\w+-\w{5} +0\/1 +CrashLoopBackOff +\d+ \(\d+s ago\) +\d+s/);
    const events = await runKubectl(fake, [
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${broken[0]?.metadata?.name},reason=BackOff`,
    ]);
    expect(events.exitCode).toBe(0);
    expect(events.stdout).toContain(`Warning   BackOff   pod/${broken[0]?.metadata?.name}`);
    expect(events.stdout).toContain(
      `Back-off restarting failed container kaizen in pod ${broken[0]?.metadata?.name}_default(`,
    );
  });

  it('times out like kubectl does when the rollout does not finish in time', async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    fake.markImageBroken('kaizen:v0.9.0');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');

    const result = await runKubectl(fake, ['rollout', 'status', 'deployment/kaizen', '--timeout=1s']);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      'Waiting for deployment "kaizen" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(result.stderr).toBe('error: timed out waiting for the condition');
  });
});
