import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';
import { RedisApprovalStore } from '../../src/stores/redis-approval-store.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../src/stores/redis-progress-store.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startClusterSetup, type ClusterSetup } from '../support/redis-cluster-setup.js';
import { testPrefix } from '../support/redis-test-prefix.js';
import { jobIdOf } from '../support/rollback-observer.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';

/** Every key on every node (SCAN on each primary): where the bot's data really landed. */
async function keysByNode(cluster: ClusterSetup): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  for (const { host, port } of cluster.nodes) {
    const node = new Redis({ host, port });
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'COUNT', 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      found.set(port, keys);
    } finally {
      node.disconnect();
    }
  }
  return found;
}

describe('the bot on a three-node Redis Cluster', () => {
  let cluster: ClusterSetup;
  let kube: FakeKube;
  let bot: TestBot;
  let connections: RedisConnectionFactory;

  beforeAll(async () => {
    cluster = await startClusterSetup();
    kube = await startFakeKube({ readyDelayMs: 20 });
    await kube.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await kube.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
    bot = await startTestBot({
      kubeconfigPath: kube.kubeconfigPath,
      services: { kaizen: kaizenService('30s') },
      config: { redis: { cluster: { nodes: cluster.nodes } } },
    });
    connections = new RedisConnectionFactory({
      url: 'redis://127.0.0.1:6379',
      settings: { cluster: { nodes: cluster.nodes } },
      prefix: testPrefix('cluster-store'),
    });
  }, 60_000);
  afterAll(async () => {
    await connections?.close();
    await bot?.close();
    await kube?.close();
    await cluster?.stop();
  });

  it('rolls back end to end, with every key of the bot and of BullMQ in one hash slot', async () => {
    const { body } = await bot.slash('kaizen v0.7.0 --reason "error rate at 12%"');
    const jobId = jobIdOf(body.text);
    await bot.slack.waitFor(
      () => bot.slack.messages(CHANNEL).some((m) => /Rolled back kaizen/.test(m.text)),
      20_000,
    );
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);

    const tagged = `{${bot.config.redisPrefix}}`;
    const reader = new RedisConnectionFactory({
      url: 'redis://127.0.0.1:6379',
      settings: { cluster: { nodes: cluster.nodes } },
      prefix: bot.config.redisPrefix,
    });
    try {
      expect(reader.keyPrefix).toBe(tagged);
      const snapshot = await new RedisProgressStore(reader.command(), new RedisKeys(tagged)).get(jobId);
      expect(snapshot?.state).toBe('succeeded');
    } finally {
      await reader.close();
    }
    const byNode = await keysByNode(cluster);
    const ours = [...byNode.entries()].map(
      ([port, keys]) => [port, keys.filter((k) => k.includes(bot.config.redisPrefix))] as const,
    );
    const holding = ours.filter(([, keys]) => keys.length > 0);
    // One node holds them all (one slot), the snapshot and the rollback queue among them.
    expect(holding).toHaveLength(1);
    const keys = holding[0]![1];
    expect(keys.every((k) => k.startsWith(`${tagged}:`))).toBe(true);
    expect(keys).toContain(`${tagged}:rb:snapshot:${jobId}`);
    expect(keys.some((k) => k.startsWith(`${tagged}:bull:rollbacks:`))).toBe(true);
  }, 45_000);

  it('the approval script (approval and snapshot keys) runs; untagged keys would be refused (CROSSSLOT)', async () => {
    const keys = new RedisKeys(connections.keyPrefix);
    const approvals = new RedisApprovalStore(connections.command(), keys);
    await approvals.open({
      jobId: 'kaizen-cluster-1',
      service: 'kaizen',
      requesterId: 'U0ALICE',
      required: 1,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const answer = await approvals.approve('kaizen-cluster-1', { id: 'U0BOB', name: 'bob' }, new Date());
    expect(answer.outcome).toBe('approved');

    const untagged = new RedisProgressStore(connections.command(), new RedisKeys('untagged-prefix'));
    const snapshot = { jobId: 'kaizen-cluster-2', version: 1 } as Parameters<
      RedisProgressStore['publish']
    >[0];
    await expect(untagged.publish(snapshot)).rejects.toThrow(/CROSSSLOT/);
  });
});
