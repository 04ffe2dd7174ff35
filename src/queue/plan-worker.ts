import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { PermanentError, RetryableError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceCatalog } from '../rollback/service-catalog.js';
import type { Strategy } from '../rollback/strategy.js';
import { errorReply, type PlanCall, type PlanReply } from './plan-messages.js';
import { planQueueName } from './site-queues.js';

export interface PlanWorkerOptions {
  connection: ConnectionOptions;
  /** `${keyPrefix}:bull`, like the rollback queues. */
  prefix: string;
  site: string;
  catalog: ServiceCatalog;
  /** The strategies this worker runs: the ones it plans with. */
  strategies: ReadonlyMap<string, Strategy>;
  log: Logger;
  concurrency?: number;
}

/**
 * Answers the planning calls of web processes that have no access to this site (PLAN_ON_WORKERS): resolves
 * a plan or lists versions with this worker's own strategies and credentials, and replies with the result
 * or the error (its kind, code and hint kept). A call whose caller stopped waiting is not worked on; one
 * for a strategy this worker lacks goes back to the queue for a worker of the site that has it.
 */
export function createPlanWorker(options: PlanWorkerOptions): Worker<PlanCall, PlanReply> {
  const { log } = options;
  const processor = async (job: Job<PlanCall, PlanReply>, token?: string): Promise<PlanReply> => {
    const call = job.data;
    const left = call.deadline - Date.now();
    if (left <= 0)
      return errorReply(new PermanentError('site_planner_unavailable', 'the caller stopped waiting'));
    const strategy = options.strategies.get(call.strategy);
    if (!strategy) {
      await job.moveToDelayed(Date.now() + 200, token);
      throw new DelayedError();
    }
    const signal = AbortSignal.timeout(left);
    try {
      const service = options.catalog.require(call.service);
      if (call.op === 'versions') return { versions: await strategy.listVersions(service, { signal }) };
      const resolved = await strategy.resolve(service, call.request, { signal });
      const steps = strategy.steps(service, resolved.target).map(({ id, title }) => ({ id, title }));
      return { resolved, steps };
    } catch (error) {
      log.info({ op: call.op, service: call.service, err: error }, 'planning call ended in an error');
      return errorReply(signal.aborted ? outOfTime(options.site, call, left, error) : error);
    }
  };
  const worker = new Worker<PlanCall, PlanReply>(planQueueName(options.site), processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
    autorun: true,
  });
  worker.on('error', (error) => log.warn({ err: error, site: options.site }, 'plan worker error'));
  return worker;
}

/**
 * The caller's deadline passed while this worker planned (a slow cluster, or the Kubernetes client loading
 * on a worker's first plan): what the caller hears, instead of the cancellation the aborted reads end in,
 * which would read as if someone had cancelled a rollback.
 */
function outOfTime(site: string, call: PlanCall, leftMs: number, cause: unknown): RetryableError {
  const what = call.op === 'versions' ? `the versions of ${call.service}` : `the plan for ${call.service}`;
  return new RetryableError(
    'site_planner_unavailable',
    `The worker of site ${site} could not read ${what} within ${Math.max(1, Math.round(leftMs / 1000))} s; nothing was queued.`,
    {
      cause,
      hint: `Try again in a moment (a worker's first plan after it starts loads its Kubernetes client); if it persists, check how fast the targets of site ${site} answer, or raise PLAN_TIMEOUT_MS.`,
    },
  );
}
