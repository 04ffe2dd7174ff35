import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { RedisJobMemory } from '../stores/redis-job-memory.js';
import { createPlanWorker } from '../queue/plan-worker.js';
import { SiteWorkers } from '../queue/site-workers.js';
import {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_STALLED_INTERVAL_MS,
  stalledResumeBoundMs,
} from '../queue/rollback-worker.js';
import { WorkerHeartbeat } from '../queue/worker-heartbeat.js';
import { finalChecklists } from '../rollback/final-checklists.js';
import { MarkOnSuccessProgressStore } from '../rollback/mark-on-success-progress-store.js';
import { MetricsProgressStore } from '../stores/metrics-progress-store.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { RetryPolicy } from '../rollback/retry-with-backoff.js';
import { RollbackExecutor } from '../rollback/rollback-executor.js';
import type { Strategy } from '../rollback/strategy.js';
import { createCommandRunnerFactory } from '../targets/shell/create-command-runner-factory.js';
import { httpGuards } from './http-settings.js';
import { redisReadiness } from './redis-readiness.js';
import { createHttpServer } from '../transport/http/create-http-server.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';
import type { RoleHandle } from './role-handle.js';
import { siteSettings, type SiteSettings } from './site-settings.js';
import { startRollbackWatch, type RollbackWatch } from './start-rollback-watch.js';
import { LostStateReconciler } from '../rollback/lost-state-reconciler.js';
import { RunningRollbacks } from '../rollback/running-rollbacks.js';
import { RememberedJobMemory } from '../rollback/remembered-job-memory.js';
import { describeLoss } from '../stores/redis-epoch.js';
import { WatchOnSuccessProgressStore } from '../rollback/watch/watch-on-success-progress-store.js';

export interface WorkerRoleOverrides {
  runnerFactory?: CommandRunnerFactory;
  stepRetry?: RetryPolicy;
  workerLockDurationMs?: number;
  /** BullMQ stalled-job check interval; tests use a short one to resume a killed worker's job quickly. */
  workerStalledIntervalMs?: number;
}

export interface WorkerRole extends RoleHandle {
  /** The rollback workers of the served sites, with their graceful shutdown. */
  siteWorkers: SiteWorkers;
  /** ROLE=worker only: the small server of /healthz, /readyz and /metrics (WORKER_HTTP_PORT). */
  http: FastifyInstance | undefined;
  httpUrl: string | undefined;
}

/**
 * The worker's progress store: counted in metrics, starting the watch of a succeeded rollback on a worker
 * of the service's site, and marking the service rolled back before the success is published.
 */
function workerProgressStore(core: RollbackCore, watch: RollbackWatch, log: Logger, metrics: Metrics) {
  return new MetricsProgressStore(
    new WatchOnSuccessProgressStore(
      new MarkOnSuccessProgressStore(core.progress, core.governance.marks, log.child({ component: 'marks' })),
      watch.queue,
      watch.windowMs,
      log.child({ component: 'watch' }),
      Date.now,
      (service) => core.catalog.get(service)?.site,
    ),
    metrics,
  );
}

/**
 * The worker role: the domain's executor (snapshots counted in the metrics, the service marked rolled
 * back on success) behind one BullMQ worker per served site (WORKER_SITES) that listens for cancels from
 * every process, a planning worker per site for web processes that plan on the sites, a heartbeat that
 * says which strategies run here, and, in a worker-only process, probes and metrics over HTTP.
 */
export async function startWorkerRole(
  config: AppConfig,
  core: RollbackCore,
  deps: { log: Logger; metrics: Metrics; overrides: WorkerRoleOverrides },
): Promise<WorkerRole> {
  const { log, overrides } = deps;
  const settings = siteSettings(config.sites);
  const strategies = servedStrategies(core.strategies, settings);
  await core.cancellation.start();
  const watch = startRollbackWatch(config, core, log.child({ component: 'watch' }), settings.workerSites);
  const running = reconcileAfterDataLoss(core, log);
  const executor = new RollbackExecutor({
    catalog: core.catalog,
    strategies,
    guardRunner: (overrides.runnerFactory ?? createCommandRunnerFactory({ log }))({ name: 'local' }),
    progress: workerProgressStore(core, watch, log, deps.metrics),
    locks: core.locks,
    // What this run wrote is kept beside Redis too, so a Redis that comes back empty does not make a
    // later step forget what an earlier one did.
    memory: (jobId) => new RememberedJobMemory(new RedisJobMemory(core.redis, core.keys, jobId)),
    log: log.child({ component: 'worker' }),
    audit: core.audit,
    checklists: finalChecklists,
    ...(core.evidence ? { evidence: core.evidence.recorder } : {}),
    ...(overrides.stepRetry ? { stepRetry: overrides.stepRetry } : {}),
    running,
  });
  const sites = settings.workerSites;
  const heartbeat = new WorkerHeartbeat({
    store: core.heartbeats,
    worker: {
      id: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      host: hostname(),
      strategies: [...strategies.keys()],
    },
    sites,
    ttlMs: settings.heartbeatTtlMs,
    log: log.child({ component: 'heartbeat' }),
  });
  const lockDurationMs =
    overrides.workerLockDurationMs ?? config.workerLockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const stalledIntervalMs =
    overrides.workerStalledIntervalMs ?? config.workerStalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS;
  const siteWorkers = new SiteWorkers({
    sites,
    heartbeat,
    others: sites.map((site) =>
      createPlanWorker({
        connection: core.connection,
        prefix: `${core.keys.prefix}:bull`,
        site,
        catalog: core.catalog,
        strategies,
        log: log.child({ component: 'plan-worker' }),
      }),
    ),
    connection: core.connection,
    keys: core.keys,
    executor,
    runs: (plan) => strategies.has(plan.strategy),
    log: log.child({ component: 'worker' }),
    concurrency: config.workerConcurrency,
    cancellation: core.cancellation,
    lockDurationMs,
    stalledIntervalMs,
  });
  await heartbeat.start();
  const http = config.role === 'worker' ? await startWorkerHttp(config, settings, core, deps) : undefined;
  log.info(
    {
      sites,
      strategies: [...strategies.keys()],
      concurrency: config.workerConcurrency,
      http: http?.url,
      crashedJobsResumeWithinMs: stalledResumeBoundMs(lockDurationMs, stalledIntervalMs),
    },
    'rollback worker started',
  );
  return {
    siteWorkers,
    http: http?.server,
    httpUrl: http?.url,
    workers: watch.workers,
    closers: [
      () => watch.queue.close(),
      () => watch.outbox?.close() ?? Promise.resolve(),
      () => siteWorkers.close(settings.shutdownGraceMs),
      async () => http?.server.close(),
      () => core.cancellation.close(),
    ],
  };
}

/** The rollbacks this process runs, put back (plan, lock, status) whenever Redis is found to have lost its data. */
function reconcileAfterDataLoss(core: RollbackCore, log: Logger): RunningRollbacks {
  const running = new RunningRollbacks();
  const reconciler = new LostStateReconciler({
    running,
    locks: core.locks,
    index: core.index,
    audit: core.audit,
    log: log.child({ component: 'reconcile' }),
  });
  core.epoch.onLoss(async (loss) => {
    await reconciler.reconcile({ at: loss.at, how: describeLoss(loss) });
  });
  return running;
}

/** WORKER_STRATEGIES narrows what this worker runs (and says it runs); unset: every strategy it has. */
function servedStrategies(all: Map<string, Strategy>, settings: SiteSettings): Map<string, Strategy> {
  const names = settings.workerStrategies;
  return names ? new Map([...all].filter(([name]) => names.includes(name))) : all;
}

/** Probes and metrics of a worker-only process, on WORKER_HTTP_HOST:WORKER_HTTP_PORT (loopback unless set). */
async function startWorkerHttp(
  config: AppConfig,
  settings: SiteSettings,
  core: RollbackCore,
  deps: { log: Logger; metrics: Metrics },
): Promise<{ server: FastifyInstance; url: string } | undefined> {
  if (!settings.workerHttp) return undefined;
  const server = await createHttpServer({
    log: deps.log,
    metrics: deps.metrics,
    readiness: redisReadiness(core),
    ...httpGuards(config),
  });
  await server.listen(settings.workerHttp);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.workerHttp.port;
  return { server, url: `http://127.0.0.1:${port}` };
}
