import { RetryLaterError } from '../../errors/retry-later-error.js';

/** Collects how long parts of a drawing must wait; the render comes back after the shortest wait. */
export class Deferrals {
  private ms: number | undefined;
  add(ms: number): void {
    this.ms = Math.max(1, Math.min(this.ms ?? ms, ms));
  }
  /** Runs a part; a part deferred by the rate limit is noted, not thrown. */
  async run(part: () => Promise<void>): Promise<void> {
    try {
      await part();
    } catch (error) {
      if (!(error instanceof RetryLaterError && error.code === 'render_deferred')) throw error;
      this.add(error.retryAfterMs);
    }
  }
  any(): boolean {
    return this.ms !== undefined;
  }
  throwIfAny(): void {
    if (this.ms !== undefined)
      throw new RetryLaterError('render_deferred', 'parts of the status wait for their turn', this.ms);
  }
}
