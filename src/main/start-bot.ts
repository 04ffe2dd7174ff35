import type { FastifyInstance } from 'fastify';
import type { CommandHandler } from '../commands/command-handler.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import type { CancelService } from '../rollback/cancel-service.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import type { AppConfig } from './app-config.js';
import type { OutboxPolicy } from '../outbox/outbox-policy.js';
import { buildRollbackCore } from './build-rollback-core.js';
import { permissionWarnings } from '../config/permission-warnings.js';
import type { RoleHandle } from './role-handle.js';
import { startWebRole, type WebRole } from './start-web-role.js';
import { startWorkerRole, type WorkerRole, type WorkerRoleOverrides } from './start-worker-role.js';
import { checkKubernetesAccess } from './check-kubernetes-access.js';
import { checkRedisDurability } from './check-redis-durability.js';
import { siteOfService } from '../config/service-schema.js';
import { SiteQueueStats } from '../queue/site-queue-stats.js';
import { distinctSites } from '../queue/site-queues.js';
import { plansOnWorkers, siteSettings } from './site-settings.js';
import type { ReplyBackoff } from '../queue/slack-reply-queue.js';
import type { SlackRateLimits } from '../stores/redis-slack-rate-limiter.js';

export interface StartBotOverrides extends WorkerRoleOverrides {
  log?: Logger;
  clusterFactory?: KubernetesClusterFactory;
  /** Slack Web API retry policy; tests use a short one. */
  slackRetries?: number;
  /** How queued replies to people are retried while Slack is down; tests use a short one. */
  replyBackoff?: Partial<ReplyBackoff>;
  /** Notification outbox retries; tests use a short policy. */
  outboxPolicy?: Partial<OutboxPolicy>;
  /** Slack's rate limits the bot keeps to; tests compress them to match the fake's. */
  slackRateLimits?: SlackRateLimits;
  /** How long the inbound drain waits for a burst of webhooks to end (default 5 s); the bench holds it. */
  inboundMaxDeferMs?: number;
}

export interface BotHandle {
  log: Logger;
  url: string | undefined;
  http: FastifyInstance | undefined;
  /** ROLE=worker: where its /healthz, /readyz and /metrics answer (WORKER_HTTP_PORT). */
  workerUrl: string | undefined;
  rollbacks: RollbackService;
  commands: CommandHandler;
  /** `cancel(jobId, actor)`: what `/rollback cancel` and the Cancel button call. */
  cancels: CancelService;
  close(): Promise<void>;
}

/**
 * The composition root: builds every client from the configuration and starts the web role (HTTP,
 * Slack or the console) and/or the worker role (rollback jobs), then steps aside. Nothing below it
 * reads the environment.
 */
export async function startBot(config: AppConfig, overrides: StartBotOverrides = {}): Promise<BotHandle> {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  const core = await buildRollbackCore(config, log, {
    ...(overrides.clusterFactory ? { clusterFactory: overrides.clusterFactory } : {}),
    ...(overrides.runnerFactory ? { runnerFactory: overrides.runnerFactory } : {}),
    ...(overrides.slackRetries === undefined ? {} : { slackRetries: overrides.slackRetries }),
  });
  await checkRedisDurability(core.redis, log, config.durability?.requireDurableRedis ?? false).catch(
    async (error: unknown) => {
      await core.close();
      throw error;
    },
  );
  await core.epoch.start();
  for (const service of core.catalog.all()) {
    for (const warning of permissionWarnings(service))
      log.warn({ service: service.name }, `open permissions: ${warning}`);
  }
  const settings = siteSettings(config.sites);
  if (!overrides.clusterFactory) {
    // A web process that plans on the sites' workers never reads their clusters: nothing to warn about.
    const planned = (site: string) => config.role === 'web' && plansOnWorkers(settings, site);
    const services = core.catalog.all().filter((service) => !planned(siteOfService(service)));
    await checkKubernetesAccess({
      services,
      kubeconfigPath: config.kubeconfigPath,
      kubeEnvironment: config.kubeEnvironment ?? {},
      log,
    });
  }
  const metrics = new Metrics();
  const queueSites = distinctSites([...core.sites, ...(config.role === 'web' ? [] : settings.workerSites)]);
  const queueStats = new SiteQueueStats({
    queues: core.rollbackQueue,
    presence: core.heartbeats,
    sites: () => queueSites,
  });
  metrics.watchQueues(() => queueStats.read());
  const web: WebRole | undefined =
    config.role === 'worker'
      ? undefined
      : await startWebRole(config, core, {
          log,
          metrics,
          ...(overrides.slackRetries === undefined ? {} : { slackRetries: overrides.slackRetries }),
          ...(overrides.replyBackoff ? { replyBackoff: overrides.replyBackoff } : {}),
          ...(overrides.outboxPolicy ? { outboxPolicy: overrides.outboxPolicy } : {}),
          ...(overrides.slackRateLimits ? { slackRateLimits: overrides.slackRateLimits } : {}),
          ...(overrides.inboundMaxDeferMs === undefined
            ? {}
            : { inboundMaxDeferMs: overrides.inboundMaxDeferMs }),
        });
  const worker: WorkerRole | undefined =
    config.role === 'web' ? undefined : await startWorkerRole(config, core, { log, metrics, overrides });
  const roles: RoleHandle[] = [web, worker].filter((role) => role !== undefined);
  return {
    log,
    url: web?.url,
    http: web?.http,
    workerUrl: worker?.httpUrl,
    rollbacks: core.rollbacks,
    commands: core.commands,
    cancels: core.cancels,
    async close() {
      core.epoch.stop();
      await web?.http.close();
      await Promise.all(roles.flatMap((role) => role.workers).map((w) => w.close()));
      for (const close of roles.flatMap((role) => role.closers)) await close();
      await core.close();
    },
  };
}
