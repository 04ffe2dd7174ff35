import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/observability/logger.js';
import type { KubernetesCluster } from '../../../../../src/rollback/ports/kubernetes-cluster.js';
import { diagnoseRollout } from '../../../../../src/rollback/strategies/kubernetes/diagnosis/diagnose-rollout.js';
import { redactLogLine } from '../../../../../src/rollback/strategies/kubernetes/diagnosis/redact-log-line.js';
import type { RolloutDiagnosis } from '../../../../../src/rollback/strategies/kubernetes/diagnosis/rollout-diagnosis.js';
import { createKubernetesClusterFactory } from '../../../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeKube, type FakeKube } from '../../../../support/fake-kube/index.js';

let fake: FakeKube;
let cluster: KubernetesCluster;

beforeEach(async () => {
  fake = await startFakeKube({ readyDelayMs: 20 });
  cluster = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 1, baseDelayMs: 1 },
  })('fake');
  await fake.createDeployment({
    name: 'kaizen',
    container: 'kaizen',
    image: 'kaizen:v0.7.0',
    replicas: 2,
    progressDeadlineSeconds: 1,
  });
});

afterEach(async () => {
  await fake.close();
});

const section = (diagnosis: RolloutDiagnosis, title: RegExp) =>
  diagnosis.sections.find((s) => title.test(s.title));

async function deadlineExceeded(): Promise<void> {
  await expect
    .poll(
      () =>
        fake.deployment('default', 'kaizen').status?.conditions?.find((c) => c.type === 'Progressing')
          ?.reason,
      {
        timeout: 10_000,
      },
    )
    .toBe('ProgressDeadlineExceeded');
}

describe('diagnosing a rollout whose new pods never become ready', () => {
  it('explains a crash loop with events, container states, restarts and the previous log lines', async () => {
    fake.markImageBroken('kaizen:v0.9.0');
    fake.setPodLogs(
      'kaizen:v0.9.0',
      ['starting again'],
      [
        'starting kaizen v0.9.0',
        'connecting to postgres://app:hunter2@db:5432/kaizen',
        'FATAL: password authentication failed for user "app"',
      ],
    );
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    await deadlineExceeded();

    const diagnosis = await diagnoseRollout(cluster, {
      namespace: 'default',
      deployment: 'kaizen',
      context: 'fake',
    });

    expect(diagnosis.headline).toBe(
      'Rollout of deployment/kaizen to kaizen:v0.9.0 failed: 0 of 2 new pods ready (1 CrashLoopBackOff)',
    );
    const deployment = section(diagnosis, /^Deployment$/)?.lines ?? [];
    expect(deployment).toContainEqual(
      expect.stringMatching(
        /^Progressing False ProgressDeadlineExceeded: ReplicaSet "kaizen-\w+" has timed out progressing\.$/,
      ),
    );
    expect(deployment).toContainEqual(
      expect.stringMatching(/^New ReplicaSet: kaizen-\w+ \(revision 2, kaizen:v0\.9\.0\)$/),
    );
    expect(section(diagnosis, /^Events of deployment\/kaizen/)?.lines).toContainEqual(
      expect.stringMatching(
        /^Normal ScalingReplicaSet on Deployment\/kaizen: Scaled up replica set kaizen-\w+ from 0 to 1/,
      ),
    );
    const pod = diagnosis.sections.find((s) => s.title.startsWith('Pod '));
    expect(diagnosis.failingPods).toEqual([pod?.title.slice(4)]);
    expect(pod?.lines).toContainEqual(
      expect.stringMatching(
        /^kaizen: waiting \(CrashLoopBackOff: back-off \d+s restarting failed container=kaizen/,
      ),
    );
    expect(pod?.lines).toContainEqual(expect.stringMatching(/^ {2}last terminated: Error, exit code 1 at /));
    expect(pod?.lines).toContainEqual(expect.stringMatching(/^ {2}restarts: [1-9]\d*$/));
    expect(pod?.lines).toContainEqual(
      expect.stringMatching(
        /^Warning BackOff on Pod\/kaizen-\w+-\w+: Back-off restarting failed container kaizen/,
      ),
    );
    const logs = section(diagnosis, /^Last 20 log lines of kaizen-\w+-\w+\/kaizen \(previous instance/);
    expect(logs).toMatchObject({
      preformatted: true,
      lines: [
        'starting kaizen v0.9.0',
        'connecting to postgres://app:[redacted]@db:5432/kaizen',
        'FATAL: password authentication failed for user "app"',
      ],
    });
    expect(JSON.stringify(diagnosis)).not.toContain('hunter2');
    expect(
      fake.requests.some(
        (r) => /\/log\?/.test(r.path) && r.path.includes('previous=true') && r.path.includes('tailLines=20'),
      ),
    ).toBe(true);
    expect(diagnosis.hint).toContain('kubectl rollout restart deployment/kaizen -n default --context fake');
  });

  it('explains an image that cannot be pulled, with the kubelet events and no log to read', async () => {
    fake.markImageUnpullable('kaizen:v0.9.9');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.9');
    await expect
      .poll(
        () =>
          fake
            .pods('default')
            .flatMap((p) => p.status?.containerStatuses ?? [])
            .some((s) => /ImagePullBackOff|ErrImagePull/.test(s.state?.waiting?.reason ?? '')),
        { timeout: 10_000 },
      )
      .toBe(true);

    const diagnosis = await diagnoseRollout(cluster, { namespace: 'default', deployment: 'kaizen' });

    expect(diagnosis.headline).toMatch(
      /^Rollout of deployment\/kaizen to kaizen:v0\.9\.9 (is stuck|failed): 0 of 2 new pods ready \(1 (ImagePullBackOff|ErrImagePull)\)$/,
    );
    const pod = diagnosis.sections.find((s) => s.title.startsWith('Pod '));
    expect(pod?.lines[0]).toBe('Pending, not ready, on fake-node');
    expect(pod?.lines).toContainEqual(
      expect.stringMatching(
        /^kaizen: waiting \((ImagePullBackOff: Back-off pulling image "kaizen:v0\.9\.9"|ErrImagePull: rpc error)/,
      ),
    );
    expect(pod?.lines).toContainEqual(
      expect.stringMatching(
        /^Warning Failed on Pod\/kaizen-\w+-\w+: Failed to pull image "kaizen:v0\.9\.9": .*not found(?: \(x\d+\))?$/,
      ),
    );
    expect(section(diagnosis, /^Log of kaizen-\w+-\w+\/kaizen$/)?.lines).toEqual([
      'No log: the container has not started.',
    ]);
    expect(fake.requests.some((r) => r.path.includes('/log?'))).toBe(false);
  });

  it('still reports what it could read when events are forbidden', async () => {
    fake.markImageBroken('kaizen:v0.9.0');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    fake.injectFault({ method: 'GET', path: /\/events$/, status: 403, times: 10 });

    const diagnosis = await diagnoseRollout(cluster, { namespace: 'default', deployment: 'kaizen' });

    expect(diagnosis.headline).toMatch(
      /^Rollout of deployment\/kaizen to kaizen:v0\.9\.0 (is stuck|failed): 0 of 2 new pods ready/,
    );
    expect(section(diagnosis, /^Events of/)?.lines).toContainEqual(
      expect.stringMatching(
        /^could not read: The bot is not allowed to list events of Deployment "kaizen".*\(403\)/,
      ),
    );
  });
});

describe('log lines in a diagnosis', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: [redacted]'],
    ['retrying with token=abc123def456 now', 'retrying with token=[redacted] now'],
    ['DB_PASSWORD="s3cret" loaded', 'DB_PASSWORD="[redacted]" loaded'],
    ['GET https://user:pw@api.example.com/x', 'GET https://user:[redacted]@api.example.com/x'],
    ['plain line\u0007 with a bell', 'plain line with a bell'],
  ])('redacts %j', (line, expected) => {
    expect(redactLogLine(line)).toBe(expected);
  });

  it('caps very long lines', () => {
    expect(redactLogLine('x'.repeat(1000))).toHaveLength(300);
  });
});
