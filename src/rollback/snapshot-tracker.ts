import { setTimeout as sleep } from 'node:timers/promises';
import type { RollbackPlan } from './plan.js';
import type { ProgressStore } from './ports/progress-store.js';
import { isFinished, type ProgressSnapshot, type StepSnapshot } from './progress-snapshot.js';

const PUBLISH_ATTEMPTS = 6;

/** The first snapshot of a rollback, before any step ran. */
export function initialSnapshot(
  plan: RollbackPlan,
  state: ProgressSnapshot['state'] = 'queued',
): ProgressSnapshot {
  return {
    version: 1,
    jobId: plan.jobId,
    service: plan.service,
    environment: plan.environment,
    strategy: plan.strategy,
    requester: plan.request.requester,
    ...(plan.request.reason === undefined ? {} : { reason: plan.request.reason }),
    dryRun: plan.request.dryRun,
    from: plan.from,
    to: plan.to,
    state,
    steps: plan.steps.map((s) => ({ id: s.id, title: s.title, state: 'pending' })),
    details: [],
    checklists: [],
    ...(plan.prerequisites === undefined ? {} : { prerequisites: plan.prerequisites }),
    ...(plan.exceptions?.length ? { exceptions: plan.exceptions } : {}),
    ...(plan.warnings?.length ? { warnings: plan.warnings } : {}),
    ...(plan.request.remedy ? { remedy: plan.request.remedy.kind } : {}),
    createdAt: plan.createdAt,
  };
}

/**
 * Holds the latest snapshot of one rollback and publishes every change as a whole new snapshot with a
 * higher version. Publishing is serialised so versions arrive in order, and coalesced: changes made while
 * a publish is on its way are published together by the next one (each snapshot is whole, so the newest
 * carries them all), so a burst of changes costs one store write and one render, not one each.
 */
export class SnapshotTracker {
  private chain: Promise<void> = Promise.resolve();
  /** The publish queued behind the one on its way; it takes the newest snapshot when it starts. */
  private queued: Promise<void> | undefined;

  constructor(
    private current: ProgressSnapshot,
    private readonly store: ProgressStore,
    private readonly onPublishError?: (error: unknown, snapshot: ProgressSnapshot) => void,
  ) {}

  get snapshot(): ProgressSnapshot {
    return this.current;
  }

  step(id: string): StepSnapshot | undefined {
    return this.current.steps.find((s) => s.id === id);
  }

  /**
   * Applies a change to a copy of the snapshot and publishes it; resolves once a snapshot carrying the
   * change is stored. A publish that fails (Redis briefly away) is retried with backoff; if it still fails
   * the rollback goes on — every snapshot is whole, so the next publish carries this change too — and the
   * failure is reported through `onPublishError`.
   */
  update(change: (draft: ProgressSnapshot) => void): Promise<void> {
    this.apply(change);
    return this.schedule(false);
  }

  /**
   * Applies a change that need not be stored before the caller goes on (a detail line, a summary): it is
   * published with whatever else changes in the same burst, without making the caller wait for Redis.
   * The next {@link update} (a step's state, the outcome) is stored only after it, in order.
   */
  note(change: (draft: ProgressSnapshot) => void): void {
    this.apply(change);
    void this.schedule(true);
  }

  private apply(change: (draft: ProgressSnapshot) => void): void {
    const draft = structuredClone(this.current);
    change(draft);
    draft.version = this.current.version + 1;
    this.current = draft;
  }

  /** The publish that will carry the current snapshot: the queued one, else a new one behind the chain. */
  private schedule(gather: boolean): Promise<void> {
    if (this.queued) return this.queued;
    const queued = this.chain
      // A noted change waits for the caller's current burst (until its next I/O) to join it.
      .then(() => (gather ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined))
      .then(() => {
        this.queued = undefined;
        return this.publishWithRetry(this.current);
      });
    this.queued = queued;
    this.chain = queued;
    return queued;
  }

  private async publishWithRetry(snapshot: ProgressSnapshot): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.publish(snapshot);
        return;
      } catch (error) {
        // Give up after a few attempts, or at once when a newer snapshot (which carries this change) waits.
        if (attempt >= PUBLISH_ATTEMPTS || this.current.version > snapshot.version) {
          this.onPublishError?.(error, snapshot);
          return;
        }
        await sleep(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  }

  updateStep(id: string, change: (step: StepSnapshot) => void): Promise<void> {
    return this.update((draft) => {
      const step = draft.steps.find((s) => s.id === id);
      if (step) change(step);
    });
  }
}

/** Marks a rollback failed when it could not run at all (its service vanished, the worker crashed). */
export async function failSnapshot(
  store: ProgressStore,
  plan: RollbackPlan,
  error: { code: string; message: string; hint?: string },
  now: Date = new Date(),
): Promise<void> {
  const current = (await store.get(plan.jobId)) ?? initialSnapshot(plan);
  if (isFinished(current)) return;
  const tracker = new SnapshotTracker(current, store);
  await tracker.update((s) => {
    s.state = 'failed';
    s.endedAt = now.toISOString();
    for (const step of s.steps)
      if (step.state === 'pending' || step.state === 'running') step.state = 'skipped';
    s.outcome = { summary: `Rollback of ${plan.service} could not run: ${error.message}`, error };
  });
}
