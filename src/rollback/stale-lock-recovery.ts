import { jobIdTime } from './new-job-id.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { LockResult, ServiceLocks } from './ports/rollback-queue.js';
import { isFinished } from './progress-snapshot.js';

/** A lock whose job never published a snapshot after this long was left by a request that failed midway. */
const ORPHAN_AFTER_MS = 60_000;

/**
 * Service locks that heal themselves: a lock held by a job that already finished (its worker died between
 * the last snapshot and releasing the lock) or by a request that never got its job queued (Redis failed
 * midway) is released and the new request wins. Otherwise the answer is the real holder.
 */
export class StaleLockRecovery implements ServiceLocks {
  constructor(
    private readonly locks: ServiceLocks,
    private readonly progress: ProgressStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async acquire(service: string, jobId: string): Promise<LockResult> {
    const first = await this.locks.acquire(service, jobId);
    if (first.acquired || !(await this.isStale(first.holderJobId))) return first;
    await this.locks.release(service, first.holderJobId);
    return this.locks.acquire(service, jobId);
  }

  release(service: string, jobId: string): Promise<void> {
    return this.locks.release(service, jobId);
  }

  holder(service: string): Promise<string | undefined> {
    return this.locks.holder(service);
  }

  private async isStale(holderJobId: string): Promise<boolean> {
    const snapshot = await this.progress.get(holderJobId);
    if (snapshot) return isFinished(snapshot);
    const made = jobIdTime(holderJobId);
    return made !== undefined && this.now().getTime() - made.getTime() > ORPHAN_AFTER_MS;
  }
}
