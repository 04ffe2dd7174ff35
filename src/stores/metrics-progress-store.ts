import type { Metrics } from '../observability/metrics.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import { isFinished, isStepEnded, type ProgressSnapshot } from '../rollback/progress-snapshot.js';

/**
 * The worker's progress store, wrapped to count what it publishes: each step and each rollback that ends,
 * once (a snapshot is compared with the stored one, so resumed or repeated publishes count nothing twice).
 */
export class MetricsProgressStore implements ProgressStore {
  constructor(
    private readonly inner: ProgressStore,
    private readonly metrics: Metrics,
  ) {}

  get(jobId: string): Promise<ProgressSnapshot | undefined> {
    return this.inner.get(jobId);
  }

  async publish(snapshot: ProgressSnapshot): Promise<void> {
    const previous = await this.inner.get(snapshot.jobId);
    await this.inner.publish(snapshot);
    if (previous && previous.version >= snapshot.version) return;
    for (const step of snapshot.steps) {
      if (isStepEnded(step) && !ended(previous?.steps.find((s) => s.id === step.id))) {
        this.metrics.stepsFinished.inc({ step: step.id, state: step.state });
      }
    }
    if (isFinished(snapshot) && !(previous !== undefined && isFinished(previous))) {
      this.metrics.rollbacksFinished.inc({
        service: snapshot.service,
        strategy: snapshot.strategy,
        state: snapshot.state,
      });
      if (snapshot.startedAt && snapshot.endedAt) {
        const seconds = (Date.parse(snapshot.endedAt) - Date.parse(snapshot.startedAt)) / 1000;
        this.metrics.rollbackDuration.observe(
          { strategy: snapshot.strategy, state: snapshot.state },
          seconds,
        );
      }
    }
  }
}

function ended(step: ProgressSnapshot['steps'][number] | undefined): boolean {
  return step !== undefined && isStepEnded(step);
}
