import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

/**
 * A real Redis Sentinel set-up of a test's own: a primary, a replica and sentinels (`redis-server
 * --sentinel`), each on a port chosen at run time, with config files in a temporary directory.
 */
export interface SentinelSetup {
  /** The monitored primary's name. */
  name: string;
  sentinels: { host: string; port: number }[];
  /** The port of the node the first sentinel calls primary now. */
  primaryPort(): Promise<number>;
  /** Runs `SENTINEL FAILOVER` (a planned switch) and waits until the replica is the primary. */
  failover(): Promise<{ from: number; to: number }>;
  /** Kills the primary (SIGKILL, as a crash) and waits until the sentinels promoted the replica. */
  killPrimary(): Promise<{ from: number; to: number }>;
  /** The redis-server and sentinel logs, for a failure message. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`sentinel set-up: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** A one-off connection to a node or sentinel, closed after `run`. */
async function ask<T>(port: number, run: (redis: Redis) => Promise<T>): Promise<T> {
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
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

function serverConfig(port: number, dir: string, replicaOf?: number): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${dir}`,
    `logfile ${join(dir, 'redis.log')}`,
    'save ""',
    'appendonly no',
    ...(replicaOf === undefined ? [] : [`replicaof ${HOST} ${replicaOf}`]),
  ].join('\n');
}

function sentinelConfig(port: number, dir: string, name: string, primary: number, quorum: number): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${dir}`,
    `logfile ${join(dir, 'sentinel.log')}`,
    `sentinel monitor ${name} ${HOST} ${primary} ${quorum}`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 5000`,
    `sentinel parallel-syncs ${name} 1`,
  ].join('\n');
}

export async function startSentinelSetup(options: { sentinels?: number } = {}): Promise<SentinelSetup> {
  const name = 'rollback-primary';
  const count = options.sentinels ?? 3;
  const root = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const processes = new Map<number, ResultPromise>();
  const start = async (port: number, dir: string, config: string, sentinel: boolean) => {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'redis.conf');
    await writeFile(file, `${config}\n`);
    const args = sentinel ? [file, '--sentinel'] : [file];
    processes.set(port, execa('redis-server', args, { reject: false, stdio: 'ignore' }));
  };
  const [primary, replica] = [await freePort(), await freePort()];
  const sentinelPorts: number[] = [];
  for (let i = 0; i < count; i++) sentinelPorts.push(await freePort());
  const stop = async () => {
    for (const child of processes.values()) child.kill('SIGKILL');
    await Promise.all(processes.values());
    await rm(root, { recursive: true, force: true });
  };
  try {
    await start(primary, join(root, 'primary'), serverConfig(primary, join(root, 'primary')), false);
    await start(replica, join(root, 'replica'), serverConfig(replica, join(root, 'replica'), primary), false);
    await until('replication', 10_000, () =>
      ask(replica, async (r) =>
        (await r.info('replication')).includes('master_link_status:up') ? true : undefined,
      ),
    );
    for (const [i, port] of sentinelPorts.entries()) {
      const dir = join(root, `sentinel-${i}`);
      await start(port, dir, sentinelConfig(port, dir, name, primary, Math.min(2, count)), true);
    }
    // Every sentinel knows the replica, so any of them can fail over to it.
    for (const port of sentinelPorts) {
      await until(`sentinel ${port} to see the replica`, 15_000, () =>
        ask(port, async (r) => {
          const replicas = (await r.call('SENTINEL', 'REPLICAS', name)) as string[][];
          return replicas.some((fields) => fields.join(' ').includes(`port ${replica}`)) ? true : undefined;
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const primaryPort = () =>
    ask(sentinelPorts[0] as number, async (r) => {
      const [, port] = (await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
      return Number(port);
    });

  /** Waits until the sentinels name a primary other than `from` that answers as one. */
  const promotedFrom = (from: number) =>
    until('the failover', 20_000, async () => {
      const port = await primaryPort();
      if (port === from) return undefined;
      const role = await ask(port, (r) => r.call('ROLE') as Promise<[string]>);
      return role[0] === 'master' ? port : undefined;
    });

  return {
    name,
    sentinels: sentinelPorts.map((port) => ({ host: HOST, port })),
    primaryPort,
    async failover() {
      const from = await primaryPort();
      await ask(sentinelPorts[0] as number, (r) => r.call('SENTINEL', 'FAILOVER', name));
      return { from, to: await promotedFrom(from) };
    },
    async killPrimary() {
      const from = await primaryPort();
      const child = processes.get(from);
      child?.kill('SIGKILL');
      await child;
      return { from, to: await promotedFrom(from) };
    },
    async logs() {
      const names = [
        'primary/redis.log',
        'replica/redis.log',
        ...sentinelPorts.map((_p, i) => `sentinel-${i}/sentinel.log`),
      ];
      const parts = await Promise.all(
        names.map(
          async (file) => `== ${file}\n${await readFile(join(root, file), 'utf8').catch(() => '(none)')}`,
        ),
      );
      return parts.join('\n');
    },
    stop,
  };
}
