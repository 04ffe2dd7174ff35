import type { DiffSummary } from '../diff/summarise-diff.js';

/** One line of the timeline, from the audit log: detected, requested, approved, each step, verified, notified. */
export interface TimelineEntry {
  /** Absent: not known (such entries come first, with an empty time). */
  at?: Date | string;
  what: string;
  who?: string;
}

export interface PostmortemBundle {
  label: string;
  takenAt: Date | string;
  /** Store id or file name. */
  id?: string;
  /** Where a reader downloads it (the report page). */
  url?: string;
  /** "host web-1 (kaizen.service)". */
  target?: string;
  /** Collectors that failed, with their reasons. */
  failed?: string[];
}

export interface ChecklistItemState {
  text: string;
  checked: boolean;
  /** Who ticked it ("alice", or "rollback-bot" when the bot answered it itself). */
  by?: string;
  at?: Date | string;
  /** What answered it, for items the bot ticks ("3/3 pods ready", "health 200"). */
  evidence?: string;
}

export interface ChecklistState {
  title: string;
  items: ChecklistItemState[];
}

export interface NotificationStatus {
  /** "Slack #incident-kaizen", "PagerDuty incident P123". */
  target: string;
  status: 'sent' | 'failed' | 'skipped' | 'pending';
  /** When it was sent or given up (or, still pending, its next try). */
  at?: Date | string;
  detail?: string;
}

/** Everything a post-mortem draft is made of, as plain data (the wiring gathers it from the audit log). */
export interface PostmortemInput {
  service: string;
  environment?: string;
  jobId?: string;
  /** "succeeded", "failed", "cancelled". */
  outcome?: string;
  reason?: string;
  requestedBy?: string;
  versions: { from?: string; to?: string };
  timeline: TimelineEntry[];
  bundles: PostmortemBundle[];
  diffs: DiffSummary[];
  checklists: ChecklistState[];
  notifications: NotificationStatus[];
  generatedAt: Date;
}
