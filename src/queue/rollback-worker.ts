import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { describeError } from '../rollback/errors.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { ServiceLocks } from '../rollback/ports/rollback-queue.js';
import type { Checklist } from '../rollback/progress-snapshot.js';
import { runRollback } from '../rollback/run-rollback.js';
import { failSnapshot } from '../rollback/snapshot-tracker.js';
import type { RetryPolicy } from '../rollback/retry-with-backoff.js';
import type { ServiceCatalog } from '../rollback/service-catalog.js';
import type { Strategy } from '../rollback/strategy.js';
import { ROLLBACK_QUEUE, type RollbackJobData } from './bullmq-rollback-queue.js';
import { RedisJobMemory } from './redis-job-memory.js';
import type { RedisKeys } from './redis-keys.js';

export interface RollbackWorkerOptions {
  connection: ConnectionOptions;
  redis: Redis;
  keys: RedisKeys;
  catalog: ServiceCatalog;
  strategies: ReadonlyMap<string, Strategy>;
  progress: ProgressStore;
  locks: ServiceLocks;
  log: Logger;
  concurrency?: number;
  checklists?: (strategy: string, outcome: 'succeeded' | 'failed' | 'cancelled') => Checklist[];
  stepRetry?: RetryPolicy;
  /** Lock duration in ms; a worker that dies loses its jobs to another after this long. */
  lockDurationMs?: number;
  /** Called with the job id and an abort function while a job runs, so cancellation can reach it. */
  onJobActive?: (jobId: string, abort: (reason: string) => void) => () => void;
}

/**
 * The worker side: runs each rollback job's steps. A job whose worker died is picked up again by
 * BullMQ's stalled-job recovery and resumes from the step it was in (steps check state before acting).
 */
export function createRollbackWorker(options: RollbackWorkerOptions): Worker<RollbackJobData> {
  const { log } = options;
  const processor = async (job: Job<RollbackJobData>, _token?: string, signal?: AbortSignal) => {
    const { plan } = job.data;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const unregister = options.onJobActive?.(plan.jobId, (reason) => controller.abort(reason)) ?? (() => undefined);
    try {
      const service = options.catalog.require(plan.service);
      const strategy = options.strategies.get(plan.strategy);
      if (!strategy) throw new UnrecoverableError(`strategy ${plan.strategy} is not available on this worker`);
      log.info({ jobId: plan.jobId, service: plan.service, attempt: job.attemptsStarted }, 'running rollback');
      const final = await runRollback({
        plan,
        service,
        steps: strategy.steps(service, plan.target),
        progress: options.progress,
        memory: new RedisJobMemory(options.redis, options.keys, plan.jobId),
        log,
        signal: controller.signal,
        checklists: (outcome) => options.checklists?.(plan.strategy, outcome) ?? [],
        ...(options.stepRetry ? { retry: options.stepRetry } : {}),
      });
      await options.locks.release(plan.service, plan.jobId);
      log.info({ jobId: plan.jobId, state: final.state }, 'rollback finished');
      if (final.state !== 'succeeded') {
        throw new UnrecoverableError(final.outcome?.summary ?? `rollback ${final.state}`);
      }
      return { state: final.state, summary: final.outcome?.summary };
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      const described = describeError(error);
      log.error({ jobId: plan.jobId, error: described }, 'rollback job could not run');
      await failSnapshot(options.progress, plan, described).catch(() => undefined);
      await options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw new UnrecoverableError(described.message);
    } finally {
      unregister();
      signal?.removeEventListener('abort', onAbort);
    }
  };
  const worker = new Worker<RollbackJobData>(ROLLBACK_QUEUE, processor, {
    connection: options.connection,
    prefix: `${options.keys.prefix}:bull`,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDurationMs ?? 30_000,
    maxStalledCount: 3,
    autorun: true,
  });
  worker.on('error', (error) => log.error({ error: describeError(error) }, 'worker error'));
  return worker;
}
