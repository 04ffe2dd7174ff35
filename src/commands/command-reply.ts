import type { ServiceResponders } from './service-responders.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { describeError, type RollbackError } from '../errors/rollback-error.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { ApprovalState, ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { VersionEntry } from '../rollback/strategy.js';
import type { SuggestedCommand } from '../errors/suggested-command.js';
import type { CommandName } from './usage.js';

/**
 * A user-facing error: what was wrong, what to do, near-miss suggestions. Commands are data (`usage`,
 * `next`), never text, so each surface writes them in its own syntax.
 */
export interface ReplyError {
  code: ErrorCode;
  message: string;
  /** What is valid or what to do, in words. */
  hint?: string;
  /** Close matches to what was typed ("did you mean"). */
  suggestions?: string[];
  /** The command whose usage line answers the mistake. */
  usage?: CommandName;
  /** Commands to type next. */
  next?: readonly SuggestedCommand[];
}

/** The reply for a domain error: its code, message and hint, and the commands it suggests. */
export function replyError(error: RollbackError): ReplyError {
  const suggestions = (error as RollbackError & { suggestions?: string[] }).suggestions;
  return {
    ...describeError(error),
    ...(suggestions && suggestions.length > 0 ? { suggestions } : {}),
    ...(error.next.length > 0 ? { next: error.next } : {}),
  };
}

/**
 * The platform-neutral answer to a command. Each surface (Slack, web console, CLI) draws it its own way.
 */
export type CommandReply =
  | {
      kind: 'plan';
      plan: RollbackPlan;
      enqueued: boolean;
      awaitingApproval?: ApprovalState;
      /** On call now, contacts and links of the service, when it has any. */
      responders?: ServiceResponders;
    }
  | { kind: 'error'; error: ReplyError }
  | { kind: 'help' }
  /** `notes`: version sources that did not answer (a git repository), said plainly. */
  | { kind: 'versions'; service: string; entries: VersionEntry[]; notes?: string[] }
  | { kind: 'status'; snapshot: ProgressSnapshot }
  | { kind: 'recent'; title: string; snapshots: ProgressSnapshot[] }
  | {
      kind: 'notice';
      text: string;
      next?: readonly SuggestedCommand[];
      /** `/rollback status <service>`: on call now, contacts and links, when the service has any. */
      responders?: ServiceResponders;
    };
