import { describeCancellation } from './cancel-report.js';
import { CancelledError, describeError, InputError } from '../errors/rollback-error.js';
import type { AuditLog } from './ports/audit-log.js';
import type { CancellableQueue, CancelRequest, CancelSignals } from './ports/cancellation.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { ServiceLocks } from './ports/rollback-queue.js';
import { isFinished, type ProgressSnapshot, type Requester } from './progress-snapshot.js';
import { SnapshotTracker } from './snapshot-tracker.js';

export interface CancelServiceOptions {
  progress: ProgressStore;
  locks: ServiceLocks;
  queue: CancellableQueue;
  signals: CancelSignals;
  audit?: AuditLog;
  now?: () => Date;
}

/**
 * - `cancelled`: it had not started (queued, awaiting approval, or its worker died): stopped at once.
 * - `requested`: a worker is running it; it stops at the next safe point and the snapshot will say so.
 * - `finished`: it had already ended; nothing was cancelled.
 */
export type CancelOutcome =
  | { kind: 'cancelled'; snapshot: ProgressSnapshot }
  | { kind: 'requested'; snapshot: ProgressSnapshot; request: CancelRequest; runningStep?: string }
  | { kind: 'finished'; snapshot: ProgressSnapshot };

/**
 * Cancels a rollback from any surface (`/rollback cancel <job>`, the Cancel button, the CLI): removes a
 * queued job from the queue atomically and reports it cancelled, or asks the worker that runs it (in
 * whichever process) to stop at its next safe point.
 */
export class CancelService {
  private readonly now: () => Date;

  constructor(private readonly options: CancelServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async cancel(jobId: string, actor: Requester): Promise<CancelOutcome> {
    const { progress, signals, queue } = this.options;
    const snapshot = await progress.get(jobId);
    if (!snapshot) {
      throw new InputError('unknown_job', `No rollback with id "${jobId}".`, {
        hint: 'Type `/rollback status` to list recent rollbacks.',
      });
    }
    const by = { id: actor.id, name: actor.name, source: actor.source };
    if (isFinished(snapshot)) {
      await this.audit('cancel_requested', by, snapshot, `refused: the rollback already ${snapshot.state}`);
      return { kind: 'finished', snapshot };
    }
    // The durable flag first: a worker that takes the job from now on stops before its first step.
    const request = await signals.request(jobId, { by, at: this.now().toISOString() });
    await this.audit('cancel_requested', by, snapshot, `while ${snapshot.state}`);
    const removal = await queue.removeUnlessRunning(jobId);
    if (removal === 'running') {
      const running = snapshot.steps.find((s) => s.state === 'running')?.title;
      return { kind: 'requested', snapshot, request, ...(running ? { runningStep: running } : {}) };
    }
    const latest = (await progress.get(jobId)) ?? snapshot;
    // The worker may have seen this very request and ended the job between our flag and the removal.
    if (latest.state === 'cancelled' && isSameRequest(latest.cancelRequested, request)) {
      return { kind: 'cancelled', snapshot: latest };
    }
    if (isFinished(latest)) return { kind: 'finished', snapshot: latest };
    const cancelled = await this.publishCancelled(latest, request);
    await this.options.locks.release(latest.service, jobId);
    await this.audit('cancelled', by, cancelled, cancelled.outcome?.summary);
    return { kind: 'cancelled', snapshot: cancelled };
  }

  /** No worker will touch this job again: the snapshot is ours to end. */
  private async publishCancelled(
    snapshot: ProgressSnapshot,
    request: CancelRequest,
  ): Promise<ProgressSnapshot> {
    const tracker = new SnapshotTracker(snapshot, this.options.progress);
    const at = this.now().toISOString();
    const interrupted = snapshot.steps.find((s) => s.state === 'running');
    await tracker.update((s) => {
      for (const step of s.steps) {
        if (step.state === 'running') {
          step.state = 'cancelled';
          step.endedAt = at;
          step.error = {
            code: 'cancelled',
            message: 'The worker running this step stopped; the job was cancelled before it resumed.',
          };
        } else if (step.state === 'pending') step.state = 'skipped';
      }
      s.state = 'cancelled';
      s.endedAt = at;
      s.cancelRequested ??= request;
      if (s.approval && s.approval.state === 'pending') s.approval.state = 'cancelled';
      const point = interrupted
        ? ({ kind: 'interrupted', step: interrupted.title } as const)
        : s.steps.some((x) => x.endedAt)
          ? ({ kind: 'between_steps' } as const)
          : ({ kind: 'not_started' } as const);
      s.outcome = {
        summary: describeCancellation(s, point, request),
        error: describeError(new CancelledError()),
      };
    });
    return tracker.snapshot;
  }

  private async audit(
    type: 'cancel_requested' | 'cancelled',
    actor: Requester,
    snapshot: ProgressSnapshot,
    detail: string | undefined,
  ): Promise<void> {
    await this.options.audit?.append({
      type,
      actor,
      service: snapshot.service,
      jobId: snapshot.jobId,
      ...(detail === undefined ? {} : { detail }),
    });
  }
}

/** Whether the cancel recorded in a snapshot is this request (same person, same moment). */
function isSameRequest(recorded: ProgressSnapshot['cancelRequested'], request: CancelRequest): boolean {
  return recorded !== undefined && recorded.by.id === request.by.id && recorded.at === request.at;
}
