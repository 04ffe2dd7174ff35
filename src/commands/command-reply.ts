import type { ErrorCode } from '../errors/error-codes.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { ApprovalState, ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { VersionEntry } from '../rollback/strategy.js';

/** A user-facing error: what was wrong, what is valid, near-miss suggestions. */
export interface ReplyError {
  code: ErrorCode;
  message: string;
  hint?: string;
  suggestions?: string[];
}

/**
 * The platform-neutral answer to a command. Each surface (Slack, web console, CLI) draws it its own way.
 */
export type CommandReply =
  | { kind: 'plan'; plan: RollbackPlan; enqueued: boolean; awaitingApproval?: ApprovalState }
  | { kind: 'error'; error: ReplyError }
  | { kind: 'help' }
  | { kind: 'versions'; service: string; entries: VersionEntry[] }
  | { kind: 'status'; snapshot: ProgressSnapshot }
  | { kind: 'recent'; title: string; snapshots: ProgressSnapshot[] }
  | { kind: 'notice'; text: string };
