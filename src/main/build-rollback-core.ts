import { RedisDeploymentBackups } from '../stores/redis-deployment-backups.js';
import type { ApprovalService } from '../rollback/approval-service.js';
import { pagerDutyTracker } from './start-pagerduty.js';
import type { ConnectionOptions } from 'bullmq';
import { CommandHandler } from '../commands/command-handler.js';
import type { Catalog } from '../config/catalog.js';
import { siteOfService } from '../config/service-schema.js';
import { loadCatalog } from '../config/load-catalog.js';
import type { Logger } from '../observability/logger.js';
import { BullmqRollbackQueue } from '../queue/bullmq-rollback-queue.js';
import { RedisAuditLog } from '../stores/redis-audit-log.js';
import { RedisCancellation } from '../stores/redis-cancellation.js';
import type { RedisClient } from '../stores/redis-client.js';
import { RedisKeys } from '../stores/redis-keys.js';
import { RedisProgressStore } from '../stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../stores/redis-rollback-index.js';
import { RedisServiceLocks } from '../stores/redis-service-locks.js';
import type { ServiceLocks } from '../rollback/ports/rollback-queue.js';
import { StaleLockRecovery } from '../rollback/stale-lock-recovery.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import { CancelService, type CancelServiceOptions } from '../rollback/cancel-service.js';
import type { EvidenceSnapshots } from '../rollback/evidence-snapshots.js';
import { ChecklistService } from '../rollback/checklist-service.js';
import { RollbackService } from '../rollback/rollback-service.js';
import type { Strategy } from '../rollback/strategy.js';
import type { AppConfig } from './app-config.js';
import { buildGovernance, type Governance } from './build-governance.js';
import { buildEvidence, type Evidence } from './build-evidence.js';
import { buildStrategies, buildTargets } from './build-strategies.js';
import { GitopsKeeper } from '../rollback/gitops/gitops-keeper.js';
import { RedisGitopsHolds } from '../stores/redis-gitops-holds.js';
import { RedisImageDigests } from '../stores/redis-image-digests.js';
import { RedisRanConfigs } from '../stores/redis-ran-configs.js';
import { RedisConnectionFactory } from './redis-connection-factory.js';
import { RedisSiteHeartbeats } from '../stores/redis-site-heartbeats.js';
import { RedisEpoch } from '../stores/redis-epoch.js';
import { RedisIncidentRollbacks } from '../stores/redis-incident-rollbacks.js';
import { SitePlanner } from '../queue/site-planner.js';
import { planOnSites } from '../queue/site-planning-strategy.js';
import { distinctSites } from '../queue/site-queues.js';
import { plansOnWorkers, siteSettings } from './site-settings.js';

export interface RollbackCoreOverrides {
  clusterFactory?: KubernetesClusterFactory;
  runnerFactory?: CommandRunnerFactory;
  /** Slack Web API retries (user group lookups); tests use 0. */
  slackRetries?: number;
}

/** What every surface shares: the catalog, the Redis stores, the queue producer and the command model. */
export interface RollbackCore {
  catalog: Catalog;
  /** Every Redis connection (commands, subscribers, BullMQ) comes from here, with one configuration. */
  connections: RedisConnectionFactory;
  redis: RedisClient;
  connection: ConnectionOptions;
  keys: RedisKeys;
  progress: RedisProgressStore;
  locks: ServiceLocks;
  index: RedisRollbackIndex;
  audit: RedisAuditLog;
  rollbackQueue: BullmqRollbackQueue;
  /** The sites the catalog's services name (the default one first). */
  sites: string[];
  /** Which workers are alive in each site, and what they run. */
  heartbeats: RedisSiteHeartbeats;
  /** This process's own strategies (the worker role runs these; the web role may plan on the sites'). */
  strategies: Map<string, Strategy>;
  /** The Kubernetes clients the strategies use (the watch after a rollback reads the Deployment with them). */
  clusterFactory: KubernetesClusterFactory;
  rollbacks: RollbackService;
  /** Permissions, approvals (and their expiry timer) and rolled-back marks. */
  governance: Governance;
  /** Cancel broadcast (workers subscribe with `cancellation.start()`). */
  cancellation: RedisCancellation;
  /** `cancel(jobId, actor)` for every surface: the command, the Cancel button, the CLI. */
  cancels: CancelService;
  commands: CommandHandler;
  /** The rollbacks asked for from each PagerDuty incident (its post-mortem reminder on resolve). */
  incidentRollbacks: RedisIncidentRollbacks;
  /** Evidence bundles (store and the runbook's recorder); undefined when the configuration has none. */
  evidence: Evidence | undefined;
  /** On-demand bundles (`/rollback snapshot`, the CLI, the API); refused with a message without evidence. */
  snapshots: EvidenceSnapshots;
  /** Ticks and unticks the checklists of ended rollbacks, from Slack, the console and the report page. */
  checklists: ChecklistService;
  /** Whether Redis still holds the bot's data (started and stopped by the bot, not the CLI). */
  epoch: RedisEpoch;
  /** Closes the queue producer and every Redis connection. */
  close(): Promise<void>;
}

/** What the strategies record in Redis: CD holds, image digests, config hashes; they read the pre-check backups. */
function strategyStores(redis: RedisClient, keys: RedisKeys, storeLog: Logger) {
  return {
    gitopsHolds: new RedisGitopsHolds(redis, keys, storeLog),
    imageDigests: new RedisImageDigests(redis, keys, storeLog),
    ranConfigs: new RedisRanConfigs(redis, keys, storeLog),
    backups: new RedisDeploymentBackups(redis, keys),
  };
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
  const connections = RedisConnectionFactory.fromConfig(config, log.child({ component: 'redis' }));
  await connections.assertAnswers();
  const redis = connections.command();
  const connection = connections.bullmqConnection();
  const keys = new RedisKeys(connections.keyPrefix);
  const storeLog = log.child({ component: 'store' });
  const progress = new RedisProgressStore(redis, keys, storeLog);
  const locks = new StaleLockRecovery(new RedisServiceLocks(redis, keys), progress);
  const index = new RedisRollbackIndex(redis, keys, storeLog);
  const auditLog = log.child({ component: 'audit' });
  const audit = new RedisAuditLog(redis, keys, auditLog, config.durability?.auditRetention);
  const rollbackQueue = new BullmqRollbackQueue(connection, keys.prefix, { log, sites: sitesOf(catalog) });
  const heartbeats = new RedisSiteHeartbeats(redis, keys);
  const { kubeconfigPath, kubeEnvironment } = config;
  const targets = buildTargets({ ...overrides, log, kubeconfigPath, kubeEnvironment });
  const stores = strategyStores(redis, keys, storeLog);
  const strategies = configuredStrategies(config, log, targets, stores);
  const { evidence, snapshots } = buildEvidence(config.evidence, { ...targets, log, catalog, audit });
  const governance = buildGovernance({
    config,
    redis,
    connection,
    keys,
    catalog,
    progress,
    index,
    locks,
    queue: rollbackQueue,
    audit,
    ...(overrides.slackRetries === undefined ? {} : { slackRetries: overrides.slackRetries }),
  });
  const { policy, approvals, marks } = governance;
  const planning = sitePlanning(config, strategies, { connection, keys, presence: heartbeats, log });
  const rollbacks = new RollbackService({
    catalog,
    strategies: planning.strategies,
    workers: heartbeats,
    queue: rollbackQueue,
    locks,
    index,
    progress,
    audit,
    policy,
    approvals,
    marks,
    gitops: new GitopsKeeper(stores.gitopsHolds, targets.clusterFactory),
    gitRunner: targets.runnerFactory({ name: 'local' }),
    ...(evidence ? { evidence: evidence.recorder } : {}),
    log,
  });
  const domain = { progress, locks, queue: rollbackQueue, audit };
  const { cancellation, cancels } = cancelling({ redis, keys, log, connections }, domain);
  const commands = commandHandler(config, rollbacks, log, { cancels, approvals, snapshots });
  return {
    catalog,
    connections,
    redis,
    connection,
    keys,
    progress,
    locks,
    index,
    audit,
    rollbackQueue,
    sites: sitesOf(catalog),
    heartbeats,
    strategies,
    clusterFactory: targets.clusterFactory,
    rollbacks,
    governance,
    cancellation,
    cancels,
    commands,
    incidentRollbacks: new RedisIncidentRollbacks(redis, keys),
    evidence,
    snapshots,
    checklists: new ChecklistService({ progress, audit }),
    epoch: redisEpoch(config, redis, keys, log),
    async close() {
      await cancellation.close();
      await governance.approvalExpiry.close();
      await rollbackQueue.close();
      await planning.close();
      await connections.close();
    },
  };
}

/** Every strategy, with the targets and stores built here and the credentials the configuration names. */
function configuredStrategies(
  config: AppConfig,
  log: Logger,
  targets: ReturnType<typeof buildTargets>,
  stores: ReturnType<typeof strategyStores>,
): ReturnType<typeof buildStrategies> {
  return buildStrategies({
    log,
    kubeconfigPath: config.kubeconfigPath,
    ...targets,
    ...stores,
    ...(config.registryEnv ? { registryEnv: config.registryEnv } : {}),
    ...(config.gitTokens ? { gitTokens: config.gitTokens } : {}),
    gitopsCacheDir: config.gitopsCacheDir,
  });
}

/** The cancel broadcast (workers subscribe to it) and the cancel service every surface calls. */
function cancelling(
  deps: { redis: RedisClient; keys: RedisKeys; log: Logger; connections: RedisConnectionFactory },
  domain: Omit<CancelServiceOptions, 'signals'>,
): { cancellation: RedisCancellation; cancels: CancelService } {
  const cancellation = new RedisCancellation(
    deps.redis,
    deps.keys,
    deps.log.child({ component: 'cancel' }),
    () => deps.connections.subscriber(),
  );
  return { cancellation, cancels: new CancelService({ ...domain, signals: cancellation }) };
}

/** Tells whether Redis still holds the bot's data (REDIS_DATA_CHECK_INTERVAL_MS); the bot starts it. */
function redisEpoch(config: AppConfig, redis: RedisClient, keys: RedisKeys, log: Logger): RedisEpoch {
  const interval = config.durability?.dataCheckIntervalMs;
  return new RedisEpoch(redis, keys, log.child({ component: 'redis' }), {
    ...(interval ? { intervalMs: interval } : {}),
  });
}

/** The sites the catalog's services name, the default one first. */
function sitesOf(catalog: Catalog): string[] {
  return distinctSites(catalog.all().map(siteOfService));
}

/**
 * The strategies the web role plans with. PLAN_ON_WORKERS in a web-only process (ROLE=web, or the CLI with
 * it set): plans for those sites are made by a worker there, through their planning queue. ROLE=all plans
 * itself, as it always has.
 */
function sitePlanning(
  config: AppConfig,
  strategies: Map<string, Strategy>,
  deps: { connection: ConnectionOptions; keys: RedisKeys; presence: RedisSiteHeartbeats; log: Logger },
): { strategies: Map<string, Strategy>; close(): Promise<void> } {
  const settings = siteSettings(config.sites);
  if (config.role === 'all' || (settings.planOnWorkers !== 'all' && settings.planOnWorkers.length === 0))
    return { strategies, close: async () => undefined };
  const planner = new SitePlanner({
    connection: deps.connection,
    prefix: `${deps.keys.prefix}:bull`,
    presence: deps.presence,
    log: deps.log.child({ component: 'site-planner' }),
    timeoutMs: settings.planTimeoutMs,
  });
  return {
    strategies: planOnSites(strategies, planner, (site) => plansOnWorkers(settings, site)),
    close: () => planner.close(),
  };
}

/** The command handler; plans show who is on call when `PAGERDUTY_API_TOKEN` is set (PagerDuty REST API). */
function commandHandler(
  config: AppConfig,
  rollbacks: RollbackService,
  log: Logger,
  extras: { cancels: CancelService; approvals: ApprovalService; snapshots: EvidenceSnapshots },
): CommandHandler {
  const tracker = pagerDutyTracker(config.pagerDuty);
  return new CommandHandler(rollbacks, log, { ...extras, ...(tracker ? { oncall: { tracker } } : {}) });
}
