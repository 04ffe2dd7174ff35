import type { ProgressSnapshot } from '../progress-snapshot.js';

/** Where the worker publishes the latest snapshot of a rollback and where renderers read it. */
export interface ProgressStore {
  /** Stores the snapshot as the latest (if its version is newer) and notifies subscribers. */
  publish(snapshot: ProgressSnapshot): Promise<void>;
  get(jobId: string): Promise<ProgressSnapshot | undefined>;
}
