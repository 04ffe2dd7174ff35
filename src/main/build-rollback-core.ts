import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { CommandHandler } from '../commands/command-handler.js';
import type { Catalog } from '../config/catalog.js';
import { loadCatalog } from '../config/load-catalog.js';
import type { Logger } from '../observability/logger.js';
import { BullmqRollbackQueue } from '../queue/bullmq-rollback-queue.js';
import { RedisAuditLog } from '../queue/redis-audit-log.js';
import { RedisKeys } from '../queue/redis-keys.js';
import { RedisProgressStore } from '../queue/redis-progress-store.js';
import { RedisRollbackIndex } from '../queue/redis-rollback-index.js';
import { RedisServiceLocks } from '../queue/redis-service-locks.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import { RollbackService } from '../rollback/rollback-service.js';
import type { Strategy } from '../rollback/strategy.js';
import type { AppConfig } from './app-config.js';
import { buildStrategies } from './build-strategies.js';
import { createCommandConnection, redisOptionsFromUrl } from './redis-connection.js';

export interface RollbackCoreOverrides {
  clusterFactory?: KubernetesClusterFactory;
  runnerFactory?: CommandRunnerFactory;
}

/** What every surface shares: the catalog, the Redis stores, the queue producer and the command model. */
export interface RollbackCore {
  catalog: Catalog;
  redis: Redis;
  connection: ConnectionOptions;
  keys: RedisKeys;
  progress: RedisProgressStore;
  locks: RedisServiceLocks;
  index: RedisRollbackIndex;
  audit: RedisAuditLog;
  rollbackQueue: BullmqRollbackQueue;
  strategies: Map<string, Strategy>;
  rollbacks: RollbackService;
  commands: CommandHandler;
  /** Closes the queue producer and the Redis connection. */
  close(): Promise<void>;
}

/**
 * Builds the rollback model once for the bot (start-bot) and the CLI alike, so both enqueue to the same
 * queue with the same plan, permission and audit rules.
 */
export async function buildRollbackCore(
  config: AppConfig,
  log: Logger,
  overrides: RollbackCoreOverrides = {},
): Promise<RollbackCore> {
  const catalog = await loadCatalog(config.servicesDir);
  const redisOptions = redisOptionsFromUrl(config.redisUrl);
  const redis = createCommandConnection(redisOptions);
  const connection = redisOptions as ConnectionOptions;
  const keys = new RedisKeys(config.redisPrefix);
  const progress = new RedisProgressStore(redis, keys);
  const locks = new RedisServiceLocks(redis, keys);
  const index = new RedisRollbackIndex(redis, keys);
  const audit = new RedisAuditLog(redis, keys, log.child({ component: 'audit' }));
  const rollbackQueue = new BullmqRollbackQueue(connection, config.redisPrefix);
  const strategies = buildStrategies({
    log,
    kubeconfigPath: config.kubeconfigPath,
    ...(overrides.clusterFactory ? { clusterFactory: overrides.clusterFactory } : {}),
    ...(overrides.runnerFactory ? { runnerFactory: overrides.runnerFactory } : {}),
  });
  const rollbacks = new RollbackService({ catalog, strategies, queue: rollbackQueue, locks, index, progress });
  const commands = new CommandHandler(rollbacks, log);
  return {
    catalog,
    redis,
    connection,
    keys,
    progress,
    locks,
    index,
    audit,
    rollbackQueue,
    strategies,
    rollbacks,
    commands,
    async close() {
      await rollbackQueue.close();
      redis.disconnect();
    },
  };
}
