import type { Job } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { SitePresence } from '../rollback/ports/site-workers.js';
import { isFinished } from '../rollback/progress-snapshot.js';
import { sameWait, workerWaitFor } from '../rollback/worker-wait.js';
import type { BullmqRollbackQueue, RollbackJobData } from './bullmq-rollback-queue.js';

export interface SiteWaitWatcherOptions {
  queues: BullmqRollbackQueue;
  presence: SitePresence;
  progress: ProgressStore;
  /** The sites to watch (the catalog's). */
  sites: readonly string[];
  intervalMs: number;
  log: Logger;
  now?: () => Date;
}

/** At most this many jobs per site are looked at per round: the cost of a round stays bounded. */
const JOBS_PER_SITE = 50;

/**
 * While a job waits in its site's queue, keeps its status honest: "waiting for a worker in site eu-1"
 * when no worker is alive there (or none runs its strategy), and back to plain "queued" when one comes.
 * Runs in every web process; two of them writing the same change is harmless (the older version loses).
 * A job that stays active while its site has no live worker lost its worker: it waits too.
 */
export class SiteWaitWatcher {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: SiteWaitWatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.timer = setInterval(() => void this.checkNow(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One round over every site; a round still running is joined, not doubled. */
  checkNow(): Promise<void> {
    this.round ??= this.checkSites().finally(() => (this.round = undefined));
    return this.round;
  }

  private async checkSites(): Promise<void> {
    for (const site of this.options.sites) {
      try {
        await this.checkSite(site);
      } catch (error) {
        this.options.log.warn({ err: error, site }, 'could not check the jobs waiting in a site');
      }
    }
  }

  private async checkSite(site: string): Promise<void> {
    const live = await this.options.presence.live(site);
    const queue = this.options.queues.of(site);
    const types = live.length === 0 ? ['wait', 'delayed', 'active'] : ['wait', 'delayed'];
    const jobs = (await queue.getJobs(
      types as ('wait' | 'delayed' | 'active')[],
      0,
      JOBS_PER_SITE - 1,
      true,
    )) as (Job<RollbackJobData> | undefined)[];
    for (const job of jobs) {
      const plan = job?.data?.plan;
      if (plan) await this.update(plan.jobId, workerWaitFor(site, plan.strategy, live, this.now()));
    }
  }

  /** Publishes the wait (or its end) when the snapshot says otherwise. */
  private async update(jobId: string, wait: ReturnType<typeof workerWaitFor>): Promise<void> {
    const snapshot = await this.options.progress.get(jobId);
    if (!snapshot || isFinished(snapshot) || sameWait(snapshot.waitingForWorker, wait)) return;
    const { waitingForWorker: previous, ...rest } = snapshot;
    await this.options.progress.publish({
      ...rest,
      version: snapshot.version + 1,
      ...(wait ? { waitingForWorker: { ...wait, since: previous?.since ?? wait.since } } : {}),
    });
  }
}
