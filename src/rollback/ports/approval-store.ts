import type { Approval, ApprovalState } from '../progress-snapshot.js';

/** What is stored about a plan waiting for approvals. `rev` grows by one with every change. */
export interface ApprovalRecord {
  jobId: string;
  service: string;
  requesterId: string;
  required: number;
  approvals: Approval[];
  expiresAt: string;
  state: ApprovalState['state'];
  rev: number;
}

export type ApproveOutcome =
  /** Counted; more approvals are needed. */
  | 'recorded'
  /** Counted, and it was the last one needed: this caller (and only this one) enqueues the job. */
  | 'approved'
  /** This approver was already counted (a double click or a Slack retry). */
  | 'duplicate'
  /** The requester tried to approve their own rollback. */
  | 'self'
  /** It expired before this click; this call marked it expired. */
  | 'expired'
  /** Already approved, cancelled or expired before this call. */
  | 'not_pending'
  | 'missing';

export type CloseOutcome = 'cancelled' | 'expired' | 'not_due' | 'not_pending' | 'missing';

/**
 * Plans waiting for approvals. Every change is one atomic operation in the store (not check-then-set),
 * so two clicks arriving together count once and exactly one of them completes the approval.
 */
export interface ApprovalStore {
  open(record: Omit<ApprovalRecord, 'approvals' | 'state' | 'rev'>): Promise<ApprovalRecord>;
  approve(
    jobId: string,
    approver: { id: string; name: string },
    now: Date,
  ): Promise<{ outcome: ApproveOutcome; record?: ApprovalRecord }>;
  /** Withdraws a pending plan; it can never be approved afterwards. */
  cancel(jobId: string): Promise<{ outcome: CloseOutcome; record?: ApprovalRecord }>;
  /** Marks a pending plan expired when its time has passed (`not_due` otherwise). */
  expire(jobId: string, now: Date): Promise<{ outcome: CloseOutcome; record?: ApprovalRecord }>;
  get(jobId: string): Promise<ApprovalRecord | undefined>;
}
