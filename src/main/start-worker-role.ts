import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { RedisJobMemory } from '../stores/redis-job-memory.js';
import { createRollbackWorker } from '../queue/rollback-worker.js';
import { finalChecklists } from '../rollback/final-checklists.js';
import { MarkOnSuccessProgressStore } from '../rollback/mark-on-success-progress-store.js';
import { MetricsProgressStore } from '../stores/metrics-progress-store.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { RetryPolicy } from '../rollback/retry-with-backoff.js';
import { RollbackExecutor } from '../rollback/rollback-executor.js';
import { createCommandRunnerFactory } from '../targets/shell/create-command-runner-factory.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';
import type { RoleHandle } from './role-handle.js';

export interface WorkerRoleOverrides {
  runnerFactory?: CommandRunnerFactory;
  stepRetry?: RetryPolicy;
  workerLockDurationMs?: number;
  /** BullMQ stalled-job check interval; tests use a short one to resume a killed worker's job quickly. */
  workerStalledIntervalMs?: number;
}

/**
 * The worker role: the domain's executor (snapshots counted in the metrics, the service marked rolled
 * back on success) behind a BullMQ worker that listens for cancels from every process.
 */
export async function startWorkerRole(
  config: AppConfig,
  core: RollbackCore,
  deps: { log: Logger; metrics: Metrics; overrides: WorkerRoleOverrides },
): Promise<RoleHandle> {
  const { log, overrides } = deps;
  await core.cancellation.start();
  const executor = new RollbackExecutor({
    catalog: core.catalog,
    strategies: core.strategies,
    guardRunner: (overrides.runnerFactory ?? createCommandRunnerFactory({ log }))({ name: 'local' }),
    progress: new MetricsProgressStore(
      new MarkOnSuccessProgressStore(core.progress, core.governance.marks, log.child({ component: 'marks' })),
      deps.metrics,
    ),
    locks: core.locks,
    memory: (jobId) => new RedisJobMemory(core.redis, core.keys, jobId),
    log: log.child({ component: 'worker' }),
    audit: core.audit,
    checklists: finalChecklists,
    ...(overrides.stepRetry ? { stepRetry: overrides.stepRetry } : {}),
  });
  const lockDurationMs = overrides.workerLockDurationMs ?? config.workerLockDurationMs;
  const stalledIntervalMs = overrides.workerStalledIntervalMs ?? config.workerStalledIntervalMs;
  const worker = createRollbackWorker({
    connection: core.connection,
    keys: core.keys,
    executor,
    log: log.child({ component: 'worker' }),
    concurrency: config.workerConcurrency,
    cancellation: core.cancellation,
    ...(lockDurationMs ? { lockDurationMs } : {}),
    ...(stalledIntervalMs ? { stalledIntervalMs } : {}),
  });
  log.info({ concurrency: config.workerConcurrency }, 'rollback worker started');
  return { workers: [worker], closers: [() => core.cancellation.close()] };
}
