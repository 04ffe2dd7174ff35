import type { Requester } from '../progress-snapshot.js';

export type AuditEventType =
  | 'requested'
  | 'denied'
  | 'approved'
  | 'approval_expired'
  | 'enqueued'
  | 'cancel_requested'
  | 'cancelled'
  | 'step_started'
  | 'step_ended'
  | 'succeeded'
  | 'failed'
  | 'released'
  | 'break_glass'
  | 'guard_refused'
  | 'snapshot_taken'
  | 'checklist_ticked'
  | 'checklist_unticked'
  /** More responders were asked to join the rollback's incident (it failed or stalled). */
  | 'escalated'
  /** After a successful rollback, the watch saw the workload changed away from the rolled-back version. */
  | 'rollback_reverted'
  /** The watch after a successful rollback ended with the rolled-back version still running. */
  | 'watch_ended'
  /** A plan going forward or to a never-deployed version, with the flag that allowed it. */
  | 'target_exception'
  /** Redis lost the bot's data while this job ran; the worker put its plan, lock and status back. */
  | 'state_lost';

export interface AuditEntry {
  type: AuditEventType;
  /** Who did it (the worker itself for step events: { id: 'worker', name: 'worker', source: 'http' }). */
  actor: Pick<Requester, 'id' | 'name' | 'source'>;
  service?: string;
  jobId?: string;
  /** Free text: the target, the rule that denied, the step and its state, the reason. */
  detail?: string;
  /** Set by the log when appended (ISO time). */
  at?: string;
  /** Set by the log: the stream entry id. */
  id?: string;
}

/** Append-only audit trail (a Redis stream in production). Entries are never edited or deleted by the bot. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(options?: { limit?: number; service?: string; jobId?: string }): Promise<AuditEntry[]>;
}
