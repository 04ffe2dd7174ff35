import type { Logger } from '../observability/logger.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { RolledBackMarks } from './ports/rolled-back-marks.js';
import type { ProgressSnapshot } from './progress-snapshot.js';

/**
 * The worker's progress store, wrapped: when a real (not dry-run, not a remedy) rollback succeeds, the service is marked
 * rolled back before the success is published, so nobody sees "succeeded" while deploys still look free.
 * The runner knows nothing of marks.
 */
export class MarkOnSuccessProgressStore implements ProgressStore {
  constructor(
    private readonly inner: ProgressStore,
    private readonly marks: RolledBackMarks,
    private readonly log: Logger,
  ) {}

  get(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.inner.get(jobId);
  }

  async publish(snapshot: ProgressSnapshot): Promise<void> {
    // A remedy (restore from the backup, rollout restart) is not a rollback: it leaves no mark.
    if (snapshot.state === 'succeeded' && !snapshot.dryRun && snapshot.remedy === undefined) {
      const previous = await this.inner.get(snapshot.jobId);
      if (previous?.state !== 'succeeded') {
        await this.marks
          .set({
            service: snapshot.service,
            by: { id: snapshot.requester.id, name: snapshot.requester.name },
            at: snapshot.endedAt ?? new Date().toISOString(),
            jobId: snapshot.jobId,
            to: snapshot.to,
          })
          .catch((error: unknown) =>
            this.log.error({ err: error, jobId: snapshot.jobId }, 'could not mark the service rolled back'),
          );
      }
    }
    await this.inner.publish(snapshot);
  }
}
