import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { describeError, JobAbandonedError } from '../errors/rollback-error.js';
import type { CancelRequest } from '../rollback/ports/cancellation.js';
import type { ExecuteOptions, RollbackExecutor } from '../rollback/rollback-executor.js';
import { ROLLBACK_QUEUE, type RollbackJobData } from './bullmq-rollback-queue.js';
import type { RedisKeys } from '../stores/redis-keys.js';

/** The worker side of cross-process cancel (RedisCancellation). */
export interface WorkerCancellation {
  watch(jobId: string, onCancel: (request: CancelRequest) => void): () => void;
  requested(jobId: string): Promise<CancelRequest | undefined>;
}

export interface RollbackWorkerOptions {
  connection: ConnectionOptions;
  keys: RedisKeys;
  /** Runs each job's plan (the domain's executor). */
  executor: RollbackExecutor;
  log: Logger;
  cancellation?: WorkerCancellation;
  concurrency?: number;
  /** Lock duration in ms; a worker that dies loses its jobs to another after this long. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ stalled-job check). */
  stalledIntervalMs?: number;
  /** Called with the job id and an abort function while a job runs, so cancellation can reach it. */
  onJobActive?: (jobId: string, abort: (reason: string) => void) => () => void;
}

/**
 * The BullMQ side of running rollbacks: hands each job's plan to the executor, with one abort signal that
 * a cancel broadcast by any process, BullMQ's own abort, or a lost job lock (abandonment) fires, and
 * turns the outcome into BullMQ's terms. A job whose worker died is picked up again by BullMQ's
 * stalled-job recovery and resumes from the step it was in (steps check state before acting).
 */
export function createRollbackWorker(options: RollbackWorkerOptions): Worker<RollbackJobData> {
  const { log, executor } = options;
  /** Controllers of the jobs this worker runs, to abandon one whose lock it lost. */
  const running = new Map<string, AbortController>();
  const processor = async (job: Job<RollbackJobData>, _token?: string, signal?: AbortSignal) => {
    const { plan } = job.data;
    const controller = new AbortController();
    running.set(plan.jobId, controller);
    const unwire = wireAbort(options, plan.jobId, controller, signal);
    try {
      const execution: ExecuteOptions = { signal: controller.signal, attempt: job.attemptsStarted };
      const cancellation = options.cancellation;
      if (cancellation) execution.cancelRequested = () => cancellation.requested(plan.jobId);
      const outcome = await executor.execute(plan, execution);
      // A rollback that failed, was cancelled or could not run is recorded by BullMQ as failed, never retried.
      if (outcome.kind === 'not_run') throw new UnrecoverableError(outcome.error.message);
      const { state, outcome: ended } = outcome.snapshot;
      if (state !== 'succeeded') throw new UnrecoverableError(ended?.summary ?? state);
      return { state, summary: ended?.summary };
    } catch (error) {
      if (error instanceof JobAbandonedError) log.warn({ jobId: plan.jobId }, error.message);
      throw error;
    } finally {
      running.delete(plan.jobId);
      unwire();
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
    void executor.failUnrun(job.data.plan, {
      code: 'job_failed',
      message: error.message,
      hint: 'The worker running it stopped repeatedly; check the worker logs and the service before retrying.',
    });
  });
  return worker;
}

/**
 * Lets everything that may stop a job reach its controller: BullMQ's own signal, the cancel broadcast
 * (reason: who cancelled) and `onJobActive`. Returns the unwiring.
 */
function wireAbort(
  options: RollbackWorkerOptions,
  jobId: string,
  controller: AbortController,
  signal: AbortSignal | undefined,
): () => void {
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const unregister = options.onJobActive?.(jobId, (reason) => controller.abort(reason));
  const unwatch = options.cancellation?.watch(jobId, (request) => {
    options.log.info({ jobId, by: request.by.name }, 'cancel requested: stopping at the next safe point');
    controller.abort(request);
  });
  return () => {
    unwatch?.();
    unregister?.();
    signal?.removeEventListener('abort', onAbort);
  };
}
