import type { Logger } from '../../observability/logger.js';
import type { ProgressStore } from '../ports/progress-store.js';
import type { RollbackWatchTimer } from '../ports/rollback-watch-timer.js';
import type { ProgressSnapshot } from '../progress-snapshot.js';

/** Strategies whose workload the watch can read (the Kubernetes Deployment). */
const WATCHED = new Set(['kubernetes']);

/**
 * The worker's progress store, wrapped: when a real Kubernetes rollback succeeds, the watch of the
 * workload starts for `windowMs` (ROLLBACK_WATCH_MINUTES). A failure to schedule it is logged and never
 * fails the rollback. The runner knows nothing of the watch.
 */
export class WatchOnSuccessProgressStore implements ProgressStore {
  constructor(
    private readonly inner: ProgressStore,
    private readonly timer: RollbackWatchTimer,
    private readonly windowMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** The site of a service (from the catalog), so its watch runs on a worker of that site. */
    private readonly siteOf: (service: string) => string | undefined = () => undefined,
  ) {}

  get(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.inner.get(jobId);
  }

  async publish(snapshot: ProgressSnapshot): Promise<void> {
    const starts =
      snapshot.state === 'succeeded' &&
      !snapshot.dryRun &&
      WATCHED.has(snapshot.strategy) &&
      this.windowMs > 0 &&
      (await this.inner.get(snapshot.jobId))?.state !== 'succeeded';
    await this.inner.publish(snapshot);
    if (!starts) return;
    await this.timer
      .start(snapshot.jobId, new Date(this.now() + this.windowMs), this.siteOf(snapshot.service))
      .catch((error: unknown) =>
        this.log.error({ err: error, jobId: snapshot.jobId }, 'could not start watching the rollback'),
      );
  }
}
