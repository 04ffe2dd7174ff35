import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { AppConfig } from './app-config.js';
import type { RedisClient } from '../stores/redis-client.js';
import { redisHost, redisOptionsFromUrl, RedisUnreachableError } from './redis-connection.js';
import type { RedisEndpoint, RedisSettings } from './redis-settings.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './durability-settings.js';
import { StallTolerantCommandTimeout } from './stall-tolerant-command-timeout.js';

export type RedisMode = 'single' | 'sentinel' | 'cluster';

export interface RedisConnectionFactoryOptions {
  /** REDIS_URL: the node in single mode; its credentials, database and rediss:// apply in every mode. */
  url: string;
  settings?: RedisSettings | undefined;
  /** REDIS_PREFIX. */
  prefix: string;
  log?: Logger | undefined;
  /** Reads REDIS_TLS_CA_FILE (default: the file system). */
  readFile?: (path: string) => string;
  /**
   * REDIS_COMMAND_TIMEOUT_MS: a command on the shared connection fails after Redis has not answered for
   * this long (unset: never); time this process itself was stalled does not count (see
   * StallTolerantCommandTimeout).
   */
  commandTimeoutMs?: number | undefined;
}

/** Reconnect with capped backoff; the command connection still fails its commands fast. */
const backoff = (times: number): number => Math.min(200 * 2 ** times, 5_000);

/** A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel finds the new one). */
const reconnectOnReadonly = (error: Error): 2 | false => (error.message.startsWith('READONLY') ? 2 : false);

/**
 * Every Redis connection the bot makes, built from one configuration: one node (REDIS_URL), a primary
 * managed by Redis Sentinel (REDIS_SENTINELS) or a Redis Cluster (REDIS_CLUSTER_NODES), with the same
 * TLS and ACL credentials everywhere.
 *
 * - `command()`: the shared connection of stores and request handlers; fails a command after a few
 *   reconnect attempts, or after REDIS_COMMAND_TIMEOUT_MS, so a request never hangs while Redis is away
 *   or frozen.
 * - `subscriber()`: a new connection for SUBSCRIBE (cancel broadcast, published snapshots), which
 *   retries forever; its owner closes it.
 * - `bullmqConnection()`: what BullMQ queues and workers take as `connection`.
 *
 * In Cluster mode every key the bot and BullMQ write starts with the hash tag `{<prefix>}` (`keyPrefix`),
 * so each multi-key Lua script and MULTI touches one slot.
 */
export class RedisConnectionFactory {
  readonly mode: RedisMode;
  /** The prefix of every key and of BullMQ queues (`${keyPrefix}:bull`): `{prefix}` in Cluster mode. */
  readonly keyPrefix: string;
  /** Options of every data-node connection (address or sentinels, credentials, TLS), before tuning. */
  private readonly node: Omit<RedisOptions, 'retryStrategy'>;
  private readonly nodes: RedisEndpoint[];
  private readonly log: Logger | undefined;
  private shared: RedisClient | undefined;
  private bullmq: Cluster | undefined;
  private readonly opened = new Set<RedisClient>();

  /** The factory for the bot's configuration (REDIS_URL, the Sentinel/Cluster/TLS settings, REDIS_PREFIX). */
  static fromConfig(
    config: Pick<AppConfig, 'redisUrl' | 'redis' | 'redisPrefix' | 'durability'>,
    log?: Logger,
  ): RedisConnectionFactory {
    return new RedisConnectionFactory({
      url: config.redisUrl,
      settings: config.redis,
      prefix: config.redisPrefix,
      log,
      commandTimeoutMs: config.durability?.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    });
  }

  constructor(private readonly options: RedisConnectionFactoryOptions) {
    const settings = options.settings ?? {};
    this.mode = settings.cluster ? 'cluster' : settings.sentinel ? 'sentinel' : 'single';
    this.keyPrefix = this.mode === 'cluster' ? `{${options.prefix}}` : options.prefix;
    this.log = options.log;
    const fromUrl = redisOptionsFromUrl(options.url);
    const tls = tlsOptions(fromUrl, settings, options.readFile);
    this.nodes = settings.cluster?.nodes ?? settings.sentinel?.sentinels ?? [];
    this.node = {
      ...(this.mode === 'single' ? { host: fromUrl.host, port: fromUrl.port } : {}),
      ...(fromUrl.db && this.mode !== 'cluster' ? { db: fromUrl.db } : {}),
      ...credentials(settings.username ?? fromUrl.username, settings.password ?? fromUrl.password),
      ...(tls ? { tls } : {}),
      ...(settings.sentinel
        ? {
            sentinels: settings.sentinel.sentinels,
            name: settings.sentinel.name,
            ...(settings.sentinel.username ? { sentinelUsername: settings.sentinel.username } : {}),
            ...(settings.sentinel.password ? { sentinelPassword: settings.sentinel.password } : {}),
            ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
            // No `failoverDetector`: in ioredis 5.11 its +switch-master handler can end a connection that is
            // reconnecting after a crashed primary, for good ("Connection is closed"). Without it, clients
            // move when Sentinel reconfigures the old primary (it kills their connections); see the README.
            reconnectOnError: reconnectOnReadonly,
          }
        : {}),
    };
  }

  /** Where Redis is, for logs and messages: addresses only, never credentials. */
  where(): string {
    const list = this.nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`);
    if (this.mode === 'sentinel')
      return `primary "${this.options.settings?.sentinel?.name}" via Sentinel ${list.join(', ')}`;
    if (this.mode === 'cluster') return `Redis Cluster ${list.join(', ')}`;
    return redisHost(this.options.url);
  }

  /** The shared connection for stores and request handlers (created on first use). */
  command(): RedisClient {
    if (!this.shared) {
      const redis = this.create(
        {
          maxRetriesPerRequest: 2,
          connectTimeout: 5_000,
          retryStrategy: backoff,
        },
        { clusterRetryStrategy: backoff },
        // A Redis that stalls (frozen, swapping) must not hold a request longer than this.
        this.options.commandTimeoutMs
          ? new StallTolerantCommandTimeout(this.options.commandTimeoutMs)
          : undefined,
      );
      redis.on('error', (error: Error) =>
        this.log?.warn({ err: error }, 'Redis connection error; reconnecting'),
      );
      this.shared = redis;
    }
    return this.shared;
  }

  /** A new connection for SUBSCRIBE: it never gives up reconnecting. The caller closes it. */
  subscriber(): RedisClient {
    const redis = this.create(
      { maxRetriesPerRequest: null, connectTimeout: 5_000, retryStrategy: backoff },
      { clusterRetryStrategy: backoff },
    );
    this.opened.add(redis);
    redis.once('end', () => this.opened.delete(redis));
    return redis;
  }

  /**
   * The `connection` option of BullMQ queues and workers. One node or Sentinel: options, from which
   * BullMQ opens (and closes) its own connections. Cluster: one shared Cluster client (BullMQ duplicates
   * it for workers' blocking reads), closed by `close()`.
   */
  bullmqConnection(): ConnectionOptions {
    if (this.mode !== 'cluster') return { ...this.node };
    this.bullmq ??= new Cluster(this.nodes, this.clusterOptions({ maxRetriesPerRequest: null }, {}));
    return this.bullmq;
  }

  /** One connection attempt with no retries, so start-up fails at once with a clear message. */
  async assertAnswers(timeoutMs = 5_000): Promise<void> {
    const probe = this.create(
      {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        sentinelRetryStrategy: () => null,
      },
      { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null },
    );
    let cause: Error | undefined;
    probe.on('error', (error: Error) => (cause ??= error));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
    } catch (error) {
      throw new RedisUnreachableError(this.where(), cause ?? error, this.check());
    } finally {
      clearTimeout(timer);
      probe.disconnect();
    }
  }

  /** Closes every connection this factory made that is still open. */
  async close(): Promise<void> {
    const all = [this.shared, this.bullmq, ...this.opened].filter((c): c is RedisClient => c !== undefined);
    this.shared = undefined;
    this.bullmq = undefined;
    this.opened.clear();
    for (const client of all) client.disconnect();
  }

  private check(): string {
    if (this.mode === 'sentinel') return 'REDIS_SENTINELS, REDIS_SENTINEL_NAME';
    if (this.mode === 'cluster') return 'REDIS_CLUSTER_NODES';
    return 'REDIS_URL';
  }

  private create(
    tuning: RedisOptions,
    cluster: ClusterOptions,
    timeout?: StallTolerantCommandTimeout,
  ): RedisClient {
    if (this.mode === 'cluster')
      return new TimedCluster(this.nodes, this.clusterOptions(tuning, cluster), timeout);
    return new TimedRedis({ ...this.node, ...tuning }, timeout);
  }

  private clusterOptions(tuning: RedisOptions, cluster: ClusterOptions): ClusterOptions {
    return {
      ...cluster,
      redisOptions: { ...this.node, ...tuning },
      // With TLS, keep the node names the cluster announces, so certificates match them.
      ...(this.node.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
  }
}

/** A Redis connection whose commands fail after `timeout` (none: never). */
class TimedRedis extends Redis {
  constructor(
    options: RedisOptions,
    private readonly timeout: StallTolerantCommandTimeout | undefined,
  ) {
    super(options);
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    this.timeout?.arm(command);
    return super.sendCommand(command, stream);
  }
}

/** A Redis Cluster client whose commands fail after `timeout` (none: never). */
class TimedCluster extends Cluster {
  constructor(
    nodes: RedisEndpoint[],
    options: ClusterOptions,
    private readonly timeout: StallTolerantCommandTimeout | undefined,
  ) {
    super(nodes, options);
  }

  override sendCommand(
    command: Command,
    stream?: Parameters<Cluster['sendCommand']>[1],
    node?: Parameters<Cluster['sendCommand']>[2],
  ): unknown {
    this.timeout?.arm(command);
    return super.sendCommand(command, stream, node);
  }
}

function credentials(username: string | undefined, password: string | undefined): RedisOptions {
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** TLS options when TLS is on (rediss://, REDIS_TLS, a CA file or a server name), else undefined. */
function tlsOptions(
  fromUrl: RedisOptions,
  settings: RedisSettings,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): TlsOptions | undefined {
  if (!fromUrl.tls && !settings.tls) return undefined;
  const caFile = settings.tls?.caFile;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFile(caFile);
    } catch (error) {
      throw new Error(`REDIS_TLS_CA_FILE: cannot read ${caFile} (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  return {
    ...(ca ? { ca } : {}),
    ...(settings.tls?.servername ? { servername: settings.tls.servername } : {}),
  };
}
