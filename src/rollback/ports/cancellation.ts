import type { Requester } from '../progress-snapshot.js';

/** Who asked to cancel a rollback, and when. */
export interface CancelRequest {
  by: { id: string; name: string; source?: Requester['source'] };
  at: string;
}

/**
 * Cancel requests that reach a job whichever worker process holds it: a durable flag (checked at every
 * step boundary, so a broadcast missed during a reconnect still cancels) plus a broadcast to all workers.
 */
export interface CancelSignals {
  /** Records the request (the first one wins and is returned) and broadcasts it. */
  request(jobId: string, request: CancelRequest): Promise<CancelRequest>;
  requested(jobId: string): Promise<CancelRequest | undefined>;
}

/**
 * - `removed`: the job was waiting (or its worker died) and is now out of the queue: it will never run.
 * - `running`: a live worker holds it; it stops at its next safe point.
 * - `finished`: the queue already finished it.
 * - `absent`: the queue does not know it (awaiting approval, or not enqueued yet).
 */
export type QueueRemoval = 'removed' | 'running' | 'finished' | 'absent';

export interface CancellableQueue {
  /** Atomically removes the job unless a live worker holds it. */
  removeUnlessRunning(jobId: string): Promise<QueueRemoval>;
}
