import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

describe('the runbook’s read-only kubectl commands against the fake API server', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('reads the current image with jsonpath', async () => {
    const result = await runKubectl(fake, [
      'get',
      'deployment',
      'kaizen',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);

    expect(result).toEqual({ stdout: 'kaizen:v0.7.0', stderr: '', exitCode: 0 });
  });

  it('prints the server-side tables kubectl asks for', async () => {
    const deployments = await runKubectl(fake, ['get', 'deployments']);
    const pods = await runKubectl(fake, ['get', 'pods', '-l', 'app=kaizen']);

    expect(deployments.stdout).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nkaizen +3\/3 +3 +3 +\d+s$/);
    const podLines = pods.stdout.split('\n');
    expect(podLines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(podLines.slice(1)).toHaveLength(3);
    for (const line of podLines.slice(1)) expect(line).toMatch(/^kaizen-\w+-\w{5} +1\/1 +Running +0 +\d+s$/);
    expect(fake.requests.find((r) => r.path.startsWith('/api/v1/namespaces/default/pods?'))?.path).toContain(
      'labelSelector=app%3Dkaizen',
    );
  });

  it('reads the logs of every pod selected by label, tail-limited', async () => {
    fake.setPodLogs('kaizen:v0.7.0', ['starting', 'listening on :8080', 'ready']);

    const result = await runKubectl(fake, ['logs', '-l', 'app=kaizen', '--tail=2']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'listening on :8080',
      'ready',
      'listening on :8080',
      'ready',
      'listening on :8080',
      'ready',
    ]);
    expect(fake.requests.filter((r) => /\/pods\/[^/]+\/log\?/.test(r.path))).toHaveLength(3);
  });

  it('describes the deployment with its ReplicaSets, conditions and scaling events', async () => {
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    const newRS = fake
      .replicaSets('default')
      .find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2');
    const oldRS = fake
      .replicaSets('default')
      .find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '1');

    const result = await runKubectl(fake, ['describe', 'deployment', 'kaizen']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^Replicas: +3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m,
    );
    expect(result.stdout).toMatch(/^StrategyType: +RollingUpdate$/m);
    expect(result.stdout).toMatch(/^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m);
    expect(result.stdout).toMatch(/^ +Available +True +MinimumReplicasAvailable$/m);
    expect(result.stdout).toMatch(/^ +Progressing +True +NewReplicaSetAvailable$/m);
    expect(result.stdout).toMatch(
      new RegExp(`^OldReplicaSets: +${oldRS?.metadata?.name} \\(0/0 replicas created\\)$`, 'm'),
    );
    expect(result.stdout).toMatch(
      new RegExp(`^NewReplicaSet: +${newRS?.metadata?.name} \\(3/3 replicas created\\)$`, 'm'),
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `Normal +ScalingReplicaSet +\\S+ +deployment-controller +Scaled up replica set ${newRS?.metadata?.name} from 0 to 1`,
      ),
    );
  });
});
