import {
  CancelledError,
  JobAbandonedError,
  JobHandedBackError,
  isRetryable,
} from '../errors/rollback-error.js';
import { cancelRequestOf } from './cancel-report.js';
import type { CancelRequest } from './ports/cancellation.js';
import type { SnapshotTracker } from './snapshot-tracker.js';
import type { RollbackStep } from './step.js';

export interface RunStopRequestsOptions {
  /** The job's signal: aborted by a cancel (reason: the {@link CancelRequest}), abandonment or hand-back. */
  signal: AbortSignal;
  /** The durable cancel flag: a cancel whose broadcast was missed still stops the job. */
  cancelRequested?: () => Promise<CancelRequest | undefined>;
  tracker: SnapshotTracker;
  now: () => Date;
}

/**
 * What asks one run of a rollback to stop, and where it may: a cancel (the job's aborted signal or the
 * durable flag), abandonment (another worker owns the job: stop at once, publish nothing more) and a
 * hand-back (this worker shuts down: stop at the next safe point and say so in the thread).
 */
export class RunStopRequests {
  constructor(private readonly options: RunStopRequestsOptions) {}

  /** Whether the job's signal aborted (a cancel, abandonment or hand-back arrived). */
  get aborted(): boolean {
    return this.options.signal.aborted;
  }

  /** Shows who asked to cancel in the snapshot as soon as the signal aborts; returns the stop. */
  noteCancelRequests(): () => void {
    const { signal, tracker } = this.options;
    const noteCancel = () => {
      const request = cancelRequestOf(signal.reason);
      if (request) void tracker.update((s) => void (s.cancelRequested ??= request)).catch(() => undefined);
    };
    signal.addEventListener('abort', noteCancel, { once: true });
    return () => signal.removeEventListener('abort', noteCancel);
  }

  /** A cancel that should stop the job before its next step: the aborted signal or the durable flag. */
  async pendingCancel(): Promise<{ request: CancelRequest | undefined } | undefined> {
    const { signal } = this.options;
    if (signal.aborted) return { request: cancelRequestOf(signal.reason) };
    // A flag that cannot be read (Redis blip) is no reason to stop: the pub/sub watch still reaches the job.
    const flagged = await this.options.cancelRequested?.().catch(() => undefined);
    return flagged ? { request: flagged } : undefined;
  }

  /** Who cancelled: the signal's reason, else the durable flag (unreadable: unknown). */
  async whoCancelled(): Promise<CancelRequest | undefined> {
    return (
      cancelRequestOf(this.options.signal.reason) ??
      (await this.options.cancelRequested?.().catch(() => undefined))
    );
  }

  /** Another worker owns the job now (this one lost its lock): stop at once, publish nothing more. */
  throwIfAbandoned(): void {
    const { reason } = this.options.signal;
    if (reason instanceof JobAbandonedError) throw reason;
  }

  /**
   * This worker is shutting down: says where the rollback stopped in the thread (the step states stay as
   * they are, so the next worker resumes exactly there) and throws the {@link JobHandedBackError}.
   */
  async handBackIfAsked(stepId: string, where: string): Promise<void> {
    const { reason } = this.options.signal;
    if (!(reason instanceof JobHandedBackError)) return;
    const text = `The worker running this rollback is shutting down: it handed the job back to the queue ${where}; the next worker of its site goes on from there.`;
    await this.options.tracker
      .update((s) => void s.details.push({ stepId, at: this.options.now().toISOString(), text }))
      .catch(() => undefined);
    throw reason;
  }

  /**
   * Whether a step that threw was stopped by the cancel. Any interruptible step once the signal aborted is
   * cancelled, and so is a non-interruptible one stopped between retries because of the cancel; a
   * non-interruptible step that failed for its own reason fails the job.
   */
  stoppedByCancel(error: unknown, step: RollbackStep): boolean {
    if (error instanceof CancelledError) return true;
    if (!this.options.signal.aborted) return false;
    const stoppedBetweenRetries =
      isRetryable(error) || (error instanceof Error && error.name === 'AbortError');
    return step.interruptible !== false || stoppedBetweenRetries;
  }
}
