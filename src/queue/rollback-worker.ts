import { DelayedError, Job, UnrecoverableError, WaitingError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { describeError, JobAbandonedError, JobHandedBackError } from '../errors/rollback-error.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { CancelRequest } from '../rollback/ports/cancellation.js';
import type { ExecuteOptions, RollbackExecutor } from '../rollback/rollback-executor.js';
import type { RollbackJobData } from './bullmq-rollback-queue.js';
import type { RedisKeys } from '../stores/redis-keys.js';
import type { ShutdownSwitch } from './shutdown-switch.js';
import { DEFAULT_SITE, rollbackQueueName } from './site-queues.js';

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
  /** The site whose queue this worker takes jobs from (default: `default`). */
  site?: string;
  /**
   * Whether this worker can run a plan (it has its strategy). A job it cannot run goes back to the queue
   * untouched, for a worker of the site that can; absent: every plan.
   */
  runs?: (plan: RollbackPlan) => boolean;
  /** How long a refused job waits before a worker looks at it again (default 5 s). */
  refusedDelayMs?: number;
  /** Pulled on SIGTERM: running jobs are handed back at their next safe point. */
  shutdown?: ShutdownSwitch;
  cancellation?: WorkerCancellation;
  concurrency?: number;
  /** Lock duration in ms; a worker that dies loses its jobs to another after this long (default 20 s). */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ stalled-job check, default 5 s). */
  stalledIntervalMs?: number;
}

/**
 * A job's lock lasts this long without renewal. BullMQ renews it every quarter to half of it (every 5–10 s),
 * so a worker keeps its job through a blocked event loop or a Redis pause of up to about 10 s; past that the
 * job is abandoned here and resumed by another worker (never run twice at once).
 */
export const DEFAULT_LOCK_DURATION_MS = 20_000;
/** How often a worker looks for jobs whose worker died. */
export const DEFAULT_STALLED_INTERVAL_MS = 5_000;

/**
 * The longest a crashed worker's job waits before another worker resumes it, once a worker runs: its lock
 * must expire (at most `lockDuration` after the crash), then a stalled check that follows one which marked
 * the job must see it (at most one `stalledInterval` later; at most two after a worker starts late). With
 * the defaults: 25 s after the crash, or 10 s after the first worker starts, whichever is later.
 */
export function stalledResumeBoundMs(lockDurationMs: number, stalledIntervalMs: number): number {
  return lockDurationMs + stalledIntervalMs;
}

/**
 * The BullMQ side of running rollbacks: hands each job's plan to the executor, with one abort signal that
 * a cancel broadcast by any process, BullMQ's own abort, a lost job lock (abandonment) or this process's
 * shutdown (hand back) fires, and turns the outcome into BullMQ's terms. A job whose worker died is picked
 * up again by BullMQ's stalled-job recovery and resumes from the step it was in (steps check state before
 * acting); one handed back on shutdown is moved back to the queue and resumed by the next worker at once.
 */
export function createRollbackWorker(options: RollbackWorkerOptions): Worker<RollbackJobData> {
  const { log } = options;
  /** Controllers of the jobs this worker runs, to abandon one whose lock it lost. */
  const running = new Map<string, AbortController>();
  const processor = async (job: Job<RollbackJobData>, token?: string, signal?: AbortSignal) => {
    const { plan } = job.data;
    if (options.shutdown?.pulled) return handBack(job, token, log, 'taken while shutting down');
    if (options.runs && !options.runs(plan)) return refuse(job, token, options);
    const controller = new AbortController();
    running.set(plan.jobId, controller);
    const unwire = wireAbort(options, plan.jobId, controller, signal);
    try {
      return await execute(options.executor, job, controller.signal, options.cancellation);
    } catch (error) {
      if (error instanceof JobAbandonedError) log.warn({ jobId: plan.jobId }, error.message);
      if (error instanceof JobHandedBackError) return handBack(job, token, log, 'shutting down');
      throw error;
    } finally {
      running.delete(plan.jobId);
      unwire();
    }
  };
  const worker = new Worker<RollbackJobData>(rollbackQueueName(options.site ?? DEFAULT_SITE), processor, {
    connection: options.connection,
    prefix: `${options.keys.prefix}:bull`,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
    stalledInterval: options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
    maxStalledCount: 3,
    autorun: true,
  });
  worker.on('error', (error) => log.error({ error: describeError(error) }, 'worker error'));
  // Redis failed over, or the event loop was blocked past the lock: another worker may take the job now.
  // Stop driving it here at once instead of running its steps twice.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) void abandonUnlessLost(worker, jobId, running, log);
  });
  // A job BullMQ fails without running our processor (stalled more than maxStalledCount times, e.g. its
  // worker was OOM-killed again and again) must still end visibly and free its service.
  worker.on('failed', (job, error) => {
    // An abandoned job is another worker's now: its snapshot and lock are not ours to end.
    if (!job || job.data?.plan === undefined || error instanceof JobAbandonedError) return;
    void options.executor.failUnrun(job.data.plan, {
      code: 'job_failed',
      message: error.message,
      hint: 'The worker running it stopped repeatedly; check the worker logs and the service before retrying.',
    });
  });
  return worker;
}

/**
 * A job whose lock could not be renewed is abandoned (another worker may own it now), unless Redis lost
 * the job itself (restarted without persistence, flushed): then no other worker can ever take it, and
 * stopping here would leave the rollback half-done with its status stuck. This worker finishes it.
 */
async function abandonUnlessLost(
  worker: Worker<RollbackJobData>,
  jobId: string,
  running: Map<string, AbortController>,
  log: Logger,
): Promise<void> {
  const job = await Job.fromId(worker, jobId).then(
    (found) => found ?? null,
    () => undefined,
  );
  if (job === null) {
    log.error(
      { jobId, code: 'redis_data_lost' },
      'Redis lost this rollback job (its data is gone): no other worker can take it, so this worker finishes it',
    );
    return;
  }
  running.get(jobId)?.abort(new JobAbandonedError(jobId));
}

/** Runs the plan; a rollback that failed, was cancelled or could not run is failed in BullMQ, never retried. */
async function execute(
  executor: RollbackExecutor,
  job: Job<RollbackJobData>,
  signal: AbortSignal,
  cancellation: WorkerCancellation | undefined,
) {
  const { plan } = job.data;
  const execution: ExecuteOptions = { signal, attempt: job.attemptsStarted };
  if (cancellation) execution.cancelRequested = () => cancellation.requested(plan.jobId);
  const outcome = await executor.execute(plan, execution);
  if (outcome.kind === 'not_run') throw new UnrecoverableError(outcome.error.message);
  const { state, outcome: ended } = outcome.snapshot;
  if (state !== 'succeeded') throw new UnrecoverableError(ended?.summary ?? state);
  return { state, summary: ended?.summary };
}

/**
 * Back to the front of the site's queue, lock released, for the next worker to take at once. Should the
 * move fail (Redis away), the lock simply expires and stalled-job recovery hands the job on instead.
 */
async function handBack(
  job: Job<RollbackJobData>,
  token: string | undefined,
  log: Logger,
  why: string,
): Promise<never> {
  try {
    await job.moveToWait(token);
    log.info({ jobId: job.id }, `rollback job handed back to the queue (${why})`);
  } catch (error) {
    log.warn({ err: error, jobId: job.id }, 'could not hand the job back; it resumes once its lock expires');
  }
  throw new WaitingError();
}

/** A plan this worker cannot run waits a moment in the queue for a worker of the site that can. */
async function refuse(
  job: Job<RollbackJobData>,
  token: string | undefined,
  options: RollbackWorkerOptions,
): Promise<never> {
  const { plan } = job.data;
  options.log.warn(
    { jobId: plan.jobId, strategy: plan.strategy, site: options.site ?? DEFAULT_SITE },
    `this worker does not run the ${plan.strategy} strategy: the job stays queued for one that does`,
  );
  await job.moveToDelayed(Date.now() + (options.refusedDelayMs ?? 5_000), token);
  throw new DelayedError();
}

/**
 * Lets everything that may stop a job reach its controller: BullMQ's own signal, the cancel broadcast
 * (reason: who cancelled) and the shutdown switch (reason: hand back). Returns the unwiring.
 */
function wireAbort(
  options: RollbackWorkerOptions,
  jobId: string,
  controller: AbortController,
  signal: AbortSignal | undefined,
): () => void {
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const unpull = options.shutdown?.onPull(() => controller.abort(new JobHandedBackError(jobId)));
  const unwatch = options.cancellation?.watch(jobId, (request) => {
    options.log.info({ jobId, by: request.by.name }, 'cancel requested: stopping at the next safe point');
    controller.abort(request);
  });
  return () => {
    unwatch?.();
    unpull?.();
    signal?.removeEventListener('abort', onAbort);
  };
}
