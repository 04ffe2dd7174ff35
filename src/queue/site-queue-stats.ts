import type { QueueStat } from '../observability/metrics.js';
import type { SitePresence } from '../rollback/ports/site-workers.js';
import type { BullmqRollbackQueue } from './bullmq-rollback-queue.js';

/**
 * Queue depth, the age of the job next in line and live workers, per site, for /metrics. A scrape costs a
 * fixed handful of Redis calls per site (counts, the one oldest waiting job, the heartbeat hash), never a
 * walk over the jobs; answers are shared for `cacheMs` so the gauges of one scrape cost one round.
 */
export class SiteQueueStats {
  private cached: { at: number; stats: Promise<QueueStat[]> } | undefined;

  constructor(
    private readonly options: {
      queues: BullmqRollbackQueue;
      presence: SitePresence;
      sites: () => readonly string[];
      cacheMs?: number;
      now?: () => number;
    },
  ) {}

  read(): Promise<QueueStat[]> {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now - this.cached.at < (this.options.cacheMs ?? 1_000)) return this.cached.stats;
    const stats = Promise.all(this.options.sites().map((site) => this.ofSite(site, now)));
    this.cached = { at: now, stats };
    stats.catch(() => (this.cached = undefined));
    return stats;
  }

  private async ofSite(site: string, now: number): Promise<QueueStat> {
    const queue = this.options.queues.of(site);
    const [counts, oldest, live] = await Promise.all([
      queue.getJobCounts('wait', 'prioritized', 'active', 'delayed'),
      queue.getJobs(['wait'], 0, 0, true),
      this.options.presence.live(site),
    ]);
    const queuedAt = oldest[0]?.timestamp;
    return {
      site,
      waiting: (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0),
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      oldestWaitingSeconds: queuedAt === undefined ? 0 : Math.max(0, (now - queuedAt) / 1000),
      liveWorkers: live.length,
    };
  }
}
