import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { describeError, JobAbandonedError, PermanentError } from '../rollback/errors.js';
import { withGuards } from '../rollback/guards/with-guards.js';
import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { CancelRequest } from '../rollback/ports/cancellation.js';
import type { CommandRunner } from '../rollback/ports/command-runner.js';
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
import type { RedisClient } from './redis-client.js';

/** The worker side of cross-process cancel (RedisCancellation). */
export interface WorkerCancellation {
  watch(jobId: string, onCancel: (request: CancelRequest) => void): () => void;
  requested(jobId: string): Promise<CancelRequest | undefined>;
}

export interface RollbackWorkerOptions {
  connection: ConnectionOptions;
  redis: RedisClient;
  keys: RedisKeys;
  catalog: ServiceCatalog;
  strategies: ReadonlyMap<string, Strategy>;
  progress: ProgressStore;
  locks: ServiceLocks;
  log: Logger;
  /** Runs guard commands (database compatibility) on the worker's host. */
  guardRunner: CommandRunner;
  cancellation?: WorkerCancellation;
  audit?: AuditLog;
  concurrency?: number;
  checklists?: (strategy: string, outcome: 'succeeded' | 'failed' | 'cancelled') => Checklist[];
  stepRetry?: RetryPolicy;
  /** Lock duration in ms; a worker that dies loses its jobs to another after this long. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ stalled-job check). */
  stalledIntervalMs?: number;
  /** Called with the job id and an abort function while a job runs, so cancellation can reach it. */
  onJobActive?: (jobId: string, abort: (reason: string) => void) => () => void;
}

/**
 * The worker side: runs each rollback job's steps, the service's guards first. A job whose worker died
 * is picked up again by BullMQ's stalled-job recovery and resumes from the step it was in (steps check
 * state before acting). A cancel broadcast by any process aborts the job here at its next safe point.
 */
export function createRollbackWorker(options: RollbackWorkerOptions): Worker<RollbackJobData> {
  const { log } = options;
  /** Controllers of the jobs this worker runs, to abandon one whose lock it lost. */
  const running = new Map<string, AbortController>();
  const processor = async (job: Job<RollbackJobData>, _token?: string, signal?: AbortSignal) => {
    const { plan } = job.data;
    const controller = new AbortController();
    running.set(plan.jobId, controller);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const unregister =
      options.onJobActive?.(plan.jobId, (reason) => controller.abort(reason)) ?? (() => undefined);
    const unwatch =
      options.cancellation?.watch(plan.jobId, (request) => {
        log.info(
          { jobId: plan.jobId, by: request.by.name },
          'cancel requested: stopping at the next safe point',
        );
        controller.abort(request);
      }) ?? (() => undefined);
    try {
      const service = options.catalog.require(plan.service);
      const strategy = options.strategies.get(plan.strategy);
      if (!strategy) {
        throw new PermanentError(
          'strategy_unavailable',
          `strategy ${plan.strategy} is not available on this worker`,
        );
      }
      log.info(
        { jobId: plan.jobId, service: plan.service, attempt: job.attemptsStarted },
        'running rollback',
      );
      const cancellation = options.cancellation;
      const final = await runRollback({
        plan,
        service,
        steps: withGuards(service, strategy.steps(service, plan.target), options.guardRunner),
        progress: options.progress,
        memory: new RedisJobMemory(options.redis, options.keys, plan.jobId),
        log,
        signal: controller.signal,
        ...(cancellation ? { cancelRequested: () => cancellation.requested(plan.jobId) } : {}),
        ...(options.audit ? { audit: options.audit } : {}),
        checklists: (outcome) => options.checklists?.(plan.strategy, outcome) ?? [],
        ...(options.stepRetry ? { retry: options.stepRetry } : {}),
      });
      // The snapshot already says how it ended; a lock that could not be released heals (stale-lock recovery).
      await options.locks
        .release(plan.service, plan.jobId)
        .catch((error: unknown) => log.warn({ err: error, jobId: plan.jobId }, 'could not release the lock'));
      log.info({ jobId: plan.jobId, state: final.state }, 'rollback finished');
      if (final.state !== 'succeeded') return finishedUnsuccessfully(final.outcome?.summary ?? final.state);
      return { state: final.state, summary: final.outcome?.summary };
    } catch (error) {
      if (error instanceof FinishedUnsuccessfully) throw new UnrecoverableError(error.message);
      if (error instanceof JobAbandonedError) {
        log.warn({ jobId: plan.jobId }, error.message);
        throw error;
      }
      const described = describeError(error);
      log.error({ jobId: plan.jobId, error: described }, 'rollback job could not run');
      await failSnapshot(options.progress, plan, described).catch(() => undefined);
      await options.locks.release(plan.service, plan.jobId).catch(() => undefined);
      throw new UnrecoverableError(described.message);
    } finally {
      running.delete(plan.jobId);
      unwatch();
      unregister();
      signal?.removeEventListener('abort', onAbort);
    }
  };
  const worker = new Worker<RollbackJobData>(ROLLBACK_QUEUE, processor, {
    connection: options.connection,
    prefix: `${options.keys.prefix}:bull`,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDurationMs ?? 30_000,
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    maxStalledCount: 3,
    autorun: true,
  });
  worker.on('error', (error) => log.error({ error: describeError(error) }, 'worker error'));
  // Redis failed over, or the event loop was blocked past the lock: another worker may take the job now.
  // Stop driving it here at once instead of running its steps twice.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) running.get(jobId)?.abort(new JobAbandonedError(jobId));
  });
  // A job BullMQ fails without running our processor (stalled more than maxStalledCount times, e.g. its
  // worker was OOM-killed again and again) must still end visibly and free its service.
  worker.on('failed', (job, error) => {
    // An abandoned job is another worker's now: its snapshot and lock are not ours to end.
    if (!job || job.data?.plan === undefined || error instanceof JobAbandonedError) return;
    const { plan } = job.data;
    void (async () => {
      await failSnapshot(options.progress, plan, {
        code: 'job_failed',
        message: error.message,
        hint: 'The worker running it stopped repeatedly; check the worker logs and the service before retrying.',
      });
      await options.locks.release(plan.service, plan.jobId);
    })().catch((cleanupError: unknown) =>
      log.warn({ err: cleanupError, jobId: plan.jobId }, 'could not clean up after a failed job'),
    );
  });
  return worker;
}

/** Thrown (as an UnrecoverableError) so BullMQ records a rollback that failed or was cancelled as failed. */
class FinishedUnsuccessfully extends Error {}

function finishedUnsuccessfully(summary: string): never {
  throw new FinishedUnsuccessfully(summary);
}
