/** What was drawn of one rollback in Slack: the status message, and how much of its thread is posted. */
export interface SlackStatusBinding {
  channel: string;
  /** The status message's ts: it is updated in place, and details are posted in its thread. */
  ts: string;
  /** The snapshot version the status message shows. */
  renderedVersion: number;
  /** How many of the snapshot's detail lines are posted in the thread (they are append-only). */
  detailsPosted: number;
  checklistsPosted: boolean;
}

/** A held render lock; only its holder can extend or release it. */
export interface RenderLock {
  /** Keeps the lock for another while; false when it was lost (expired and taken by another render). */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Where the Slack surface remembers what it drew of each rollback, and the lock that lets one render of
 * a rollback draw at a time (two renders at once would post the status message twice).
 */
export interface SlackStatusStore {
  /** What was drawn, or undefined before the status message was posted. */
  get(jobId: string): Promise<SlackStatusBinding | undefined>;
  /** Records the status message just posted (nothing of its thread yet). */
  bind(jobId: string, posted: Pick<SlackStatusBinding, 'channel' | 'ts' | 'renderedVersion'>): Promise<void>;
  /** Records what was drawn since. */
  update(
    jobId: string,
    drawn: Partial<Pick<SlackStatusBinding, 'renderedVersion' | 'detailsPosted' | 'checklistsPosted'>>,
  ): Promise<void>;
  /** Takes the render lock of the rollback; undefined when another render holds it. */
  lock(jobId: string): Promise<RenderLock | undefined>;
}
