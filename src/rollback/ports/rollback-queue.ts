import type { RollbackPlan } from '../plan.js';

/** Where accepted plans go to be executed by a worker. */
export interface RollbackQueue {
  /** Adds the plan under its jobId; adding the same jobId twice adds it once. */
  enqueue(plan: RollbackPlan): Promise<void>;
}

export type LockResult = { acquired: true } | { acquired: false; holderJobId: string };

/** One rollback per service at a time: an atomic lock held from acceptance until the job ends. */
export interface ServiceLocks {
  acquire(service: string, jobId: string): Promise<LockResult>;
  release(service: string, jobId: string): Promise<void>;
  holder(service: string): Promise<string | undefined>;
}

/** Recent rollbacks, for `status` and `history`. */
export interface RollbackIndex {
  record(plan: RollbackPlan): Promise<void>;
  recent(limit: number): Promise<string[]>;
  forService(service: string, limit: number): Promise<string[]>;
  plan(jobId: string): Promise<RollbackPlan | undefined>;
}
