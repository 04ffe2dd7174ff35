import type { ProgressSnapshot } from '../progress-snapshot.js';

/**
 * Something that draws the latest snapshot of a rollback somewhere: a Slack status message and its
 * thread today, a PagerDuty incident note later. The render queue calls every surface for every
 * published version; a surface remembers what it drew, so drawing again changes nothing.
 */
export interface SnapshotSurface {
  readonly name: string;
  /**
   * Draws the latest snapshot; idempotent. Throws a RetryableError to be retried with backoff (code
   * `render_busy`: another render of this rollback holds the surface and draws until it is current), a
   * PermanentError when retrying cannot help.
   */
  sync(jobId: string): Promise<void>;
  /**
   * Draws a final state at once, as it was just published, beside a render that may be busy with
   * intermediate parts (optional; idempotent; a version older than one drawn is not drawn). The render
   * still draws everything else, and retries what this could not draw.
   */
  drawFinal?(snapshot: ProgressSnapshot): Promise<void>;
}
