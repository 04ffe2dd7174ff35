import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/observability/logger.js';
import type { KubernetesCluster } from '../../../../../src/rollback/ports/kubernetes-cluster.js';
import { compareConfigFingerprints } from '../../../../../src/rollback/strategies/kubernetes/config-drift/compare-config-fingerprints.js';
import {
  configMapContentHash,
  secretContentHash,
} from '../../../../../src/rollback/strategies/kubernetes/config-drift/config-content-hash.js';
import { readConfigFingerprints } from '../../../../../src/rollback/strategies/kubernetes/config-drift/read-config-fingerprints.js';
import { referencedConfig } from '../../../../../src/rollback/strategies/kubernetes/config-drift/referenced-config.js';
import { createKubernetesClusterFactory } from '../../../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { startFakeKube, type FakeKube } from '../../../../support/fake-kube/index.js';
import { runKubectl } from '../../../../support/fake-kube/run-kubectl.js';

const template: V1PodTemplateSpec = {
  spec: {
    imagePullSecrets: [{ name: 'kaizen-pull' }],
    volumes: [
      { name: 'config', configMap: { name: 'kaizen-config' } },
      { name: 'tls', secret: { secretName: 'kaizen-tls', optional: true } },
      {
        name: 'bundle',
        projected: {
          sources: [{ configMap: { name: 'kaizen-features' } }, { secret: { name: 'kaizen-db' } }],
        },
      },
    ],
    initContainers: [
      { name: 'migrate', image: 'kaizen:v0.7.0', envFrom: [{ configMapRef: { name: 'kaizen-config' } }] },
    ],
    containers: [
      {
        name: 'kaizen',
        image: 'kaizen:v0.7.0',
        env: [
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'kaizen-db', key: 'password' } } },
          { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'kaizen-config', key: 'LOG_LEVEL' } } },
          { name: 'PLAIN', value: 'x' },
        ],
        envFrom: [{ secretRef: { name: 'kaizen-extra', optional: true } }],
      },
    ],
  },
};

describe('the ConfigMaps and Secrets a pod template references', () => {
  it('finds them in volumes, projected volumes, env valueFrom and envFrom, once each', () => {
    expect(referencedConfig(template)).toEqual([
      {
        kind: 'ConfigMap',
        name: 'kaizen-config',
        optional: false,
        usedBy: ['volume config', 'envFrom of init container migrate', 'env LOG_LEVEL of container kaizen'],
      },
      { kind: 'Secret', name: 'kaizen-tls', optional: true, usedBy: ['volume tls'] },
      { kind: 'ConfigMap', name: 'kaizen-features', optional: false, usedBy: ['volume bundle'] },
      {
        kind: 'Secret',
        name: 'kaizen-db',
        optional: false,
        usedBy: ['volume bundle', 'env DB_PASSWORD of container kaizen'],
      },
      { kind: 'Secret', name: 'kaizen-extra', optional: true, usedBy: ['envFrom of container kaizen'] },
    ]);
    expect(referencedConfig({ containers: [{ name: 'a' }] })).toEqual([]);
  });
});

describe('content hashes', () => {
  it('depend on content only: key order and metadata do not count, any value or key change does', () => {
    const a = configMapContentHash({ metadata: { name: 'x', labels: { a: 'b' } }, data: { A: '1', B: '2' } });
    expect(configMapContentHash({ metadata: { name: 'y' }, data: { B: '2', A: '1' } })).toBe(a);
    expect(configMapContentHash({ data: { A: '1', B: '3' } })).not.toBe(a);
    expect(configMapContentHash({ data: { A: '12', B: '' } })).not.toBe(
      configMapContentHash({ data: { A: '1', B: '2' } }),
    );
    expect(
      configMapContentHash({ data: { A: '1' }, binaryData: { B: Buffer.from('2').toString('base64') } }),
    ).not.toBe(a);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('hash Secrets without keeping their values, keyed by the bot when asked', () => {
    const secret = { type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } };
    const plain = secretContentHash(secret);
    const keyed = secretContentHash(secret, { key: 'bot-key' });
    expect(keyed).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(keyed).not.toBe(secretContentHash(secret, { key: 'other-key' }));
    expect(plain).not.toContain('hunter2');
    expect(secretContentHash({ ...secret, type: 'kubernetes.io/basic-auth' })).not.toBe(plain);
  });
});

describe('config drift against a fake API server', () => {
  let fake: FakeKube;
  let cluster: KubernetesCluster;

  beforeAll(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    cluster = createKubernetesClusterFactory({ kubeconfigPath: fake.kubeconfigPath, log: silentLogger() })(
      'fake',
    );
    fake.createConfigMap({ name: 'kaizen-config', data: { LOG_LEVEL: 'info' } });
    fake.createConfigMap({ name: 'kaizen-features', data: { search: 'on' } });
    fake.createSecret({ name: 'kaizen-db', data: { password: 'hunter2' } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('records fingerprints without secret values and reports a ConfigMap changed after the revision ran', async () => {
    const recorded = await readConfigFingerprints(cluster, 'default', template);
    expect(recorded.map((f) => [f.kind, f.name, f.state])).toEqual([
      ['ConfigMap', 'kaizen-config', 'present'],
      ['Secret', 'kaizen-tls', 'missing'],
      ['ConfigMap', 'kaizen-features', 'present'],
      ['Secret', 'kaizen-db', 'present'],
      ['Secret', 'kaizen-extra', 'missing'],
    ]);
    const stored = JSON.stringify(recorded);
    expect(stored).not.toContain('hunter2');
    expect(stored).not.toContain(Buffer.from('hunter2').toString('base64'));

    fake.updateConfigData('ConfigMap', 'default', 'kaizen-config', { LOG_LEVEL: 'debug' });
    fake.createSecret({ name: 'kaizen-tls', data: { 'tls.crt': 'cert' } });
    const current = await readConfigFingerprints(cluster, 'default', template);

    expect(compareConfigFingerprints(recorded, current, 'v0.7.0').map((d) => d.line)).toEqual([
      'ConfigMap kaizen-config changed since v0.7.0 last ran (volume config, envFrom of init container migrate, env LOG_LEVEL of container kaizen)',
      'Secret kaizen-tls was created since v0.7.0 last ran (volume tls)',
    ]);
  });

  it('sees a changed Secret and a deleted ConfigMap, and compares only hashes made the same way', async () => {
    const recorded = await readConfigFingerprints(cluster, 'default', template, { key: 'bot-key' });
    fake.updateConfigData('Secret', 'default', 'kaizen-db', { password: 'correct horse' });
    expect((await runKubectl(fake, ['delete', 'configmap', 'kaizen-features'])).exitCode).toBe(0);
    const again = await readConfigFingerprints(cluster, 'default', template, { key: 'bot-key' });

    expect(compareConfigFingerprints(recorded, again, 'revision 3')).toEqual([
      {
        kind: 'ConfigMap',
        name: 'kaizen-features',
        change: 'deleted',
        line: 'ConfigMap kaizen-features was deleted since revision 3 last ran (volume bundle)',
      },
      {
        kind: 'Secret',
        name: 'kaizen-db',
        change: 'changed',
        line: 'Secret kaizen-db changed since revision 3 last ran (volume bundle, env DB_PASSWORD of container kaizen)',
      },
    ]);
    expect(compareConfigFingerprints(again, again, 'revision 3')).toEqual([]);
    expect(
      compareConfigFingerprints(again, await readConfigFingerprints(cluster, 'default', template), 'r'),
    ).toEqual([]);
  });
});
