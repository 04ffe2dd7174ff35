import type { RollbackPlan } from './plan.js';
import type { SnapshotTracker } from './snapshot-tracker.js';

/** A rollback this worker process is running now: its plan and the tracker that holds its latest snapshot. */
export interface RunningRollback {
  plan: RollbackPlan;
  tracker: SnapshotTracker;
}

/**
 * The rollbacks this process runs, as it knows them in memory. When the shared store loses its data
 * (Redis restarted without persistence), this is what the worker still knows, and what it puts back.
 */
export class RunningRollbacks {
  private readonly jobs = new Map<string, RunningRollback>();

  /** Registers a run; returns its removal (call it when the run ends, however it ends). */
  add(plan: RollbackPlan, tracker: SnapshotTracker): () => void {
    const entry = { plan, tracker };
    this.jobs.set(plan.jobId, entry);
    return () => {
      if (this.jobs.get(plan.jobId) === entry) this.jobs.delete(plan.jobId);
    };
  }

  all(): RunningRollback[] {
    return [...this.jobs.values()];
  }
}
