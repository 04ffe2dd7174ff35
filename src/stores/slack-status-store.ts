/** The thread reply of one step: edited in place as the step adds details. */
export interface StepThreadBinding {
  ts: string;
  /** How many of the step's detail entries it shows. */
  details: number;
  /** When it was last drawn (ms since the epoch). */
  drawnAt: number;
}

/** What was drawn of one rollback in Slack: the status message, and its thread. */
export interface SlackStatusBinding {
  channel: string;
  /** The status message's ts: it is updated in place, and details are posted in its thread. */
  ts: string;
  /** The snapshot version the status message shows. */
  renderedVersion: number;
  /** When the status message was last drawn (ms since the epoch): intermediate updates are spaced out. */
  drawnAt: number;
  /**
   * What the status message shows (a digest of its text and blocks): a newer snapshot that draws the same
   * message (a checklist tick) makes no Web API call.
   */
  statusKey?: string;
  /** The thread reply of each step that has details, by step id. */
  steps: Record<string, StepThreadBinding>;
  checklistsPosted: boolean;
  /** The checklists message (redrawn as people tick items), once recorded. */
  checklistsTs?: string;
  /** What the checklists message shows (who ticked what), so a render redraws it only when it changed. */
  checklistsKey?: string;
  /**
   * How far along the rollback the status message shows (see `progressStage`): an intermediate update that
   * shows a step starting or ending comes before one that only changes a line within a step.
   */
  drawnStage?: number;
  /** Web API calls the drawing of this rollback has made so far (its budget; see `CallAllowance`). */
  callsSpent?: number;
}

/**
 * What a render is about to post. Recorded before the post and cleared once its ts is recorded: a render
 * that finds one left behind (a crash between Slack's answer and the record) looks the message up in Slack
 * before posting, so nothing is posted twice.
 */
export type PostIntent = 'status' | 'checklists' | `step:${string}`;

/**
 * A file the render attaches to the thread (an evidence bundle, the post-mortem draft), by key: `pending`
 * from the moment Slack gave it a file id until the upload is completed and shared, then `done`. A pending
 * one left behind is looked up in Slack (files.info) before it is uploaded again.
 */
export interface UploadRecord {
  fileId: string;
  state: 'pending' | 'done';
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
  /** Records the status message just posted (nothing of its thread yet); clears the 'status' intent. */
  bind(
    jobId: string,
    posted: Pick<SlackStatusBinding, 'channel' | 'ts' | 'renderedVersion' | 'drawnAt'> &
      Partial<Pick<SlackStatusBinding, 'statusKey' | 'drawnStage'>>,
  ): Promise<void>;
  /** Records what was drawn of the status message since; clears the 'checklists' intent when they are posted. */
  update(
    jobId: string,
    drawn: Partial<
      Pick<
        SlackStatusBinding,
        | 'renderedVersion'
        | 'drawnAt'
        | 'statusKey'
        | 'drawnStage'
        | 'checklistsPosted'
        | 'checklistsTs'
        | 'checklistsKey'
      >
    >,
  ): Promise<void>;
  /**
   * Counts one Web API call of the rollback's drawing, before it goes, in one atomic step: with `limit`, only
   * if the count stays within it. The new count, or undefined when the limit refused it.
   */
  spendCall(jobId: string, limit?: number): Promise<number | undefined>;
  /** Records a step's thread reply as drawn; clears its intent. */
  bindStep(jobId: string, stepId: string, drawn: StepThreadBinding): Promise<void>;
  /** Records that a post is about to be made. */
  intend(jobId: string, intent: PostIntent): Promise<void>;
  /** Forgets a post intent: Slack refused the post (429), so there is nothing to look for. */
  withdraw(jobId: string, intent: PostIntent): Promise<void>;
  /** Whether a post was intended and never recorded (a crash, or Slack failing after taking it). */
  intended(jobId: string, intent: PostIntent): Promise<boolean>;
  /** The thread attachments of the rollback, by key ("bundle:<id>", "postmortem"). */
  uploads(jobId: string): Promise<Record<string, UploadRecord>>;
  /** Records where one attachment's upload stands. */
  recordUpload(jobId: string, key: string, record: UploadRecord): Promise<void>;
  /** Takes the render lock of the rollback; undefined when another render holds it. */
  lock(jobId: string): Promise<RenderLock | undefined>;
}
