import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

/** A real Redis Cluster of a test's own: three primaries (no replicas), slots split by `redis-cli`. */
export interface ClusterSetup {
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

async function clusterState(port: number): Promise<string | undefined> {
  const redis = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return /cluster_state:(\w+)/.exec(await redis.cluster('INFO'))?.[1];
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export async function startClusterSetup(size = 3): Promise<ClusterSetup> {
  const root = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const processes: ResultPromise[] = [];
  const ports: number[] = [];
  for (let i = 0; i < size; i++) ports.push(await freePort());
  const stop = async () => {
    for (const child of processes) child.kill('SIGKILL');
    await Promise.all(processes);
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const dir = join(root, String(port));
      await mkdir(dir);
      const config = [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${dir}`,
        `logfile ${join(dir, 'redis.log')}`,
        'cluster-enabled yes',
        'cluster-config-file nodes.conf',
        'cluster-node-timeout 2000',
        'save ""',
        'appendonly no',
      ];
      await writeFile(join(dir, 'redis.conf'), `${config.join('\n')}\n`);
      processes.push(execa('redis-server', [join(dir, 'redis.conf')], { reject: false, stdio: 'ignore' }));
    }
    for (const port of ports) {
      for (let i = 0; i < 100 && (await clusterState(port)) === undefined; i++) await sleep(50);
    }
    await execa('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-yes'], {
      timeout: 20_000,
    });
    for (const port of ports) {
      const deadline = Date.now() + 15_000;
      while ((await clusterState(port)) !== 'ok') {
        if (Date.now() > deadline)
          throw new Error(`cluster set-up: node ${port} never reported cluster_state:ok`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: HOST, port })), stop };
}
