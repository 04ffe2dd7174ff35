import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import type { KubernetesCluster } from '../../../src/rollback/ports/kubernetes-cluster.js';
import { createKubernetesClusterFactory } from '../../../src/targets/kubernetes/create-kubernetes-cluster-factory.js';
import { KeepAliveAgents } from '../../../src/targets/kubernetes/keep-alive-agents.js';
import { startFakeKube, type FakeKube } from '../../support/fake-kube/index.js';

let fake: FakeKube;
let cluster: KubernetesCluster;

beforeAll(async () => {
  fake = await startFakeKube({ readyDelayMs: 20 });
  await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 2 });
  const factory = createKubernetesClusterFactory({
    kubeconfigPath: fake.kubeconfigPath,
    log: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  cluster = factory('fake');
  await cluster.getDeployment('default', 'kaizen');
});

afterAll(async () => {
  await fake?.close();
});

describe('Kubernetes API connections', () => {
  it('are reused from call to call instead of opening one per request', async () => {
    const before = fake.connectionsOpened();
    for (let i = 0; i < 5; i++) {
      await cluster.getDeployment('default', 'kaizen');
      await cluster.listReplicaSets('default', 'app=kaizen');
    }
    await cluster.patchDeployment('default', 'kaizen', { metadata: { labels: { seen: 'yes' } } }, 'merge');
    await cluster.listPods('default', 'app=kaizen');
    // 12 requests; each opened a connection of its own before (a TCP connect and, against a real API
    // server, a TLS handshake per call).
    expect(fake.connectionsOpened() - before).toBe(0);
  });

  it('requests in flight at once open only the connections the idle ones do not cover, reused afterwards', async () => {
    const before = fake.connectionsOpened();
    await Promise.all([
      cluster.getDeployment('default', 'kaizen'),
      cluster.listReplicaSets('default', 'app=kaizen'),
      cluster.listPods('default', 'app=kaizen'),
    ]);
    const opened = fake.connectionsOpened() - before;
    expect(opened).toBeLessThanOrEqual(2);
    for (let i = 0; i < 3; i++) await cluster.getDeployment('default', 'kaizen');
    expect(fake.connectionsOpened() - before).toBe(opened);
  });

  it('are opened again when the server closed the idle ones', async () => {
    fake.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = fake.connectionsOpened();
    await expect(cluster.getDeployment('default', 'kaizen')).resolves.toMatchObject({
      metadata: { name: 'kaizen' },
    });
    expect(fake.connectionsOpened() - before).toBe(1);
  });
});

describe('KeepAliveAgents', () => {
  it('keeps one agent while the TLS identity stays the same, and a new one when it changes', () => {
    const agents = new KeepAliveAgents();
    const fresh = (cert: string) => new https.Agent({ cert: Buffer.from(cert), rejectUnauthorized: true });
    const first = agents.reuse(fresh('client certificate 1'));
    expect(first).toBeInstanceOf(https.Agent);
    expect((first as https.Agent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect(agents.reuse(fresh('client certificate 1'))).toBe(first);
    const rotated = agents.reuse(fresh('client certificate 2'));
    expect(rotated).not.toBe(first);
    expect((rotated as https.Agent & { options: { cert: Buffer } }).options.cert.toString()).toBe(
      'client certificate 2',
    );
  });

  it('leaves a proxy agent (or any other kind) as it is', () => {
    class ProxyAgent extends http.Agent {}
    expect(new KeepAliveAgents().reuse(new ProxyAgent())).toBeUndefined();
    expect(new KeepAliveAgents().reuse(undefined)).toBeUndefined();
  });
});
