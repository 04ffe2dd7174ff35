import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { serviceSchema } from '../../src/config/service-schema.js';
import { readBundle, type EvidenceBundle } from '../../src/evidence/bundle/read-bundle.js';
import { takeEvidenceBundles, type EvidenceDeps } from '../../src/evidence/collect-evidence.js';
import { parsePods } from '../../src/evidence/formats/pods-text.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { KubernetesCluster } from '../../src/rollback/ports/kubernetes-cluster.js';
import { createKubernetesClusterFactory } from '../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';

let fake: FakeKube;
let deps: EvidenceDeps;
let cluster: KubernetesCluster;

const service = serviceSchema.parse({
  name: 'kaizen',
  channel: 'C0123',
  strategy: 'kubernetes',
  kubernetes: { context: 'fake', deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
  evidence: { logLines: 2 },
});

beforeAll(async () => {
  fake = await startFakeKube({ readyDelayMs: 20 });
  await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
  const clusters = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  cluster = clusters('fake');
  const env = [
    { name: 'DB_PASSWORD', value: SECRETS.k8sEnv },
    { name: 'LOG_LEVEL', value: 'info' },
  ];
  await cluster.patchDeployment(
    'default',
    'kaizen',
    {
      metadata: {
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            spec: { template: { spec: { containers: [{ name: 'kaizen', env }] } } },
          }),
        },
      },
      spec: { template: { spec: { containers: [{ name: 'kaizen', env }] } } },
    },
    'strategic',
  );
  fake.setPodLogs('kaizen:v0.8.0', [
    'starting kaizen v0.8.0',
    `using token ${SECRETS.github}`,
    'ERROR cannot connect to db at 10.0.0.12:5432',
  ]);
  fake.markImageBroken('kaizen:v0.8.0');
  await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  deps = {
    clusters,
    runners: () => {
      throw new Error('no hosts in Kubernetes tests');
    },
  };
});
afterAll(async () => {
  await fake?.close();
});

async function waitForRestarts(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const pods = fake.pods('default');
    if (pods.some((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the broken pods never restarted');
}

async function brokenBundle(): Promise<{ bundle: EvidenceBundle; raw: Buffer }> {
  await waitForRestarts();
  const [written] = await takeEvidenceBundles(
    { service, label: 'broken', jobId: 'kaizen-k8s-0001', version: 'v0.8.0' },
    deps,
  );
  return { bundle: await readBundle(written!.data), raw: written!.data };
}

describe('Kubernetes evidence against the fake API server', () => {
  it('captures the Deployment, its ReplicaSets, pods with restarts, events and the last log lines', async () => {
    const { bundle } = await brokenBundle();
    expect(bundle.manifest).toMatchObject({
      label: 'broken',
      version: 'v0.8.0',
      target: { kind: 'kubernetes', cluster: 'fake/default', namespace: 'default', deployment: 'kaizen' },
    });
    expect(bundle.manifest.collectors.map((c) => [c.name, c.ok])).toEqual([
      ['deployment', true],
      ['pods', true],
      ['events', true],
      ['pod-logs', true],
    ]);

    const deployment = parseYaml(bundle.text('kubernetes/deployment.yaml') ?? '') as {
      apiVersion: string;
      kind: string;
      metadata: { managedFields?: unknown; annotations: Record<string, string> };
      spec: {
        template: { spec: { containers: { image: string; env: { name: string; value: string }[] }[] } };
      };
    };
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(deployment.metadata.managedFields).toBeUndefined();
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.image).toBe('kaizen:v0.8.0');
    expect(container.env).toEqual([
      { name: 'DB_PASSWORD', value: '[redacted]' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);

    const replicaSets = parseAllDocuments(bundle.text('kubernetes/replicasets.yaml') ?? '').map(
      (d) =>
        d.toJS() as {
          kind: string;
          metadata: { annotations: Record<string, string> };
          spec: { template: { spec: { containers: { image: string }[] } } };
        },
    );
    expect(
      replicaSets.map((rs) => [
        rs.kind,
        rs.metadata.annotations['deployment.kubernetes.io/revision'],
        rs.spec.template.spec.containers[0]?.image,
      ]),
    ).toEqual([
      ['ReplicaSet', '1', 'kaizen:v0.7.0'],
      ['ReplicaSet', '2', 'kaizen:v0.7.0'],
      ['ReplicaSet', '3', 'kaizen:v0.8.0'],
    ]);

    const pods = parsePods(bundle.text('kubernetes/pods.txt') ?? '');
    const crashing = pods.filter((p) => p.containers[0]?.image === 'kaizen:v0.8.0');
    expect(crashing.length).toBeGreaterThan(0);
    expect(crashing[0]).toMatchObject({ ready: false, containers: [{ name: 'kaizen', ready: false }] });
    expect(crashing[0]!.restarts).toBeGreaterThanOrEqual(2);
    expect(crashing[0]!.containers[0]!.last).toMatch(/^terminated:Error\(1\)$/);
    expect(pods.some((p) => p.ready && p.containers[0]?.image === 'kaizen:v0.7.0')).toBe(true);

    expect(bundle.text('kubernetes/events.txt')).toMatch(
      /\tWarning\tBackOff\tPod\/kaizen-[a-z0-9]+-[a-z0-9]+\t/,
    );
    expect(bundle.text('kubernetes/events.txt')).toMatch(/\tNormal\tScalingReplicaSet\tDeployment\/kaizen\t/);

    const logFiles = bundle.paths.filter((p) => p.startsWith('kubernetes/logs/'));
    expect(logFiles.length).toBe(pods.length);
    const crashLog = `kubernetes/logs/${crashing[0]!.name}.kaizen.txt`;
    expect(bundle.text(crashLog)).toBe(
      'using token [redacted]\nERROR cannot connect to db at 10.0.0.12:5432\n',
    );
  });

  it('lets no planted secret through: env values, the last-applied annotation, pod logs', async () => {
    const { bundle, raw } = await brokenBundle();
    const all = [
      JSON.stringify(bundle.manifest),
      ...bundle.paths.map((p) => bundle.text(p) ?? ''),
      gunzipSync(raw).toString('latin1'),
    ].join('\n');
    for (const secret of PLANTED_SECRETS) expect(all).not.toContain(secret);
    expect(bundle.text('kubernetes/deployment.yaml')).toContain('"name":"DB_PASSWORD","value":"[redacted]"');
  });

  it('records the API failure in every collector when the Deployment is missing', async () => {
    const missing = serviceSchema.parse({
      ...service,
      kubernetes: { ...service.kubernetes, deployment: 'nope' },
    });
    const [written] = await takeEvidenceBundles({ service: missing, label: 'broken' }, deps);
    const bundle = await readBundle(written!.data);
    expect(bundle.paths).toEqual([]);
    expect(bundle.manifest.collectors.every((c) => !c.ok && /nope/.test(c.error ?? ''))).toBe(true);
  });
});
