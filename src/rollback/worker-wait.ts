import { DEFAULT_SITE } from '../config/service-schema.js';
import { InputError } from '../errors/rollback-error.js';
import type { RollbackPlan } from './plan.js';
import type { SitePresence, SiteWorker } from './ports/site-workers.js';

/**
 * Why a queued (or handed back) rollback is not running: no worker of its site is alive, or none of
 * the live ones runs its strategy. Shown by every renderer instead of a silent "queued".
 */
export interface WorkerWait {
  site: string;
  reason: 'no_worker' | 'no_strategy';
  /** The plan's strategy. */
  strategy: string;
  /** With `no_strategy`: what the site's live workers run. */
  available?: string[];
  /** When this was first noticed. */
  since: string;
}

/** What keeps a plan of `strategy` in `site` from running, given the site's live workers; none: nothing. */
export function workerWaitFor(
  site: string,
  strategy: string,
  live: readonly SiteWorker[],
  now: Date,
): WorkerWait | undefined {
  const since = now.toISOString();
  if (live.length === 0) return { site, reason: 'no_worker', strategy, since };
  if (live.some((worker) => worker.strategies.includes(strategy))) return undefined;
  const available = [...new Set(live.flatMap((worker) => worker.strategies))].sort();
  return { site, reason: 'no_strategy', strategy, available, since };
}

/** Whether two waits say the same thing (their `since` aside). */
export function sameWait(a: WorkerWait | undefined, b: WorkerWait | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.site === b.site &&
    a.reason === b.reason &&
    a.strategy === b.strategy &&
    (a.available ?? []).join(',') === (b.available ?? []).join(',')
  );
}

/**
 * The sentence every surface shows, plain text (each renderer escapes it for its medium):
 * "Waiting for a worker in site eu-1: none is running."
 */
export function describeWorkerWait(wait: WorkerWait): string {
  if (wait.reason === 'no_worker') return `Waiting for a worker in site ${wait.site}: none is running.`;
  const runs = wait.available?.length ? ` (they run ${wait.available.join(', ')})` : '';
  return `Waiting for a worker in site ${wait.site} that runs the ${wait.strategy} strategy${runs}.`;
}

/**
 * Whether a worker of the plan's site can take it, at enqueue time: undefined when one can (or when Redis
 * did not say: the periodic check will), the wait when none is alive there. Refuses, with an InputError,
 * a plan whose site has live workers none of which runs its strategy: it would wait for nobody.
 */
export async function checkSiteWorkers(
  presence: SitePresence,
  plan: Pick<RollbackPlan, 'service' | 'site' | 'strategy'>,
  now: Date,
): Promise<WorkerWait | undefined> {
  const site = plan.site ?? DEFAULT_SITE;
  const live = await presence.live(site).catch(() => undefined);
  if (live === undefined) return undefined;
  const wait = workerWaitFor(site, plan.strategy, live, now);
  if (wait?.reason !== 'no_strategy') return wait;
  throw new InputError(
    'no_worker_for_strategy',
    `No worker in site ${site} runs the ${plan.strategy} strategy, so this rollback of ${plan.service} cannot run there; nothing was queued.`,
    {
      hint: `${describeWorkerWait(wait)} Start a worker in site ${site} whose WORKER_STRATEGIES includes ${plan.strategy}, or ask for a strategy they run with --strategy.`,
    },
  );
}
