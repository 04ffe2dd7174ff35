import type { RemedyKind } from '../rollback/plan.js';
import type { ParseErrorCode } from '../errors/error-codes.js';
import type { StrategyName } from '../config/service-schema.js';
import type { SuggestedCommand } from '../errors/suggested-command.js';
import type { CommandName } from './usage.js';

/**
 * What `/rollback ...` (or the same text in the web console or CLI) asks for. Produced by `parseCommand`;
 * every field is already validated, so transports can enqueue or answer without re-checking the text.
 */
export type ParsedCommand =
  | RollbackCommand
  | { kind: 'status'; jobId?: string }
  | { kind: 'versions'; service: string }
  | { kind: 'history'; service: string }
  | { kind: 'cancel'; jobId: string }
  | { kind: 'release'; service: string; reason: string }
  /** An evidence bundle now; `label` defaults to "snapshot" ("pre-deploy" is the baseline diffs use). */
  | { kind: 'snapshot'; service: string; label: string }
  | { kind: 'help' }
  | InvalidCommand;

/**
 * `/rollback <service> [version|previous|revision:N] [options]`. The field names match `RollbackRequest`.
 * At most one of `version` and `toRevision` is set; neither means "the previous revision".
 */
export interface RollbackCommand {
  kind: 'rollback';
  /** Lowercase service name (not yet checked against the catalog). */
  service: string;
  /** An image tag or package version, matching VERSION_PATTERN and starting with a letter or digit. */
  version?: string;
  /** A positive revision number (`--to-revision N` or `revision:N`). */
  toRevision?: number;
  strategy?: StrategyName;
  dryRun: boolean;
  /** Whitespace-collapsed, trimmed, never empty. */
  reason?: string;
  /** `--break-glass`: skip approval. Only the CLI path may honour it; other transports must refuse it. */
  breakGlass: boolean;
  /** `--force`: roll back although the CD system that manages it will put the bad version back (warned). */
  force?: boolean;
  /** `--recover`: run the documented recovery of a Helm release stuck in pending-* (approved as a rollback). */
  recover?: boolean;
  /** `--forward`: the target may be newer than the current version (marked and audited). */
  forward?: boolean;
  /** `--allow-unlisted`: the target may be a version that never ran here but is in the registry. */
  allowUnlisted?: boolean;
  /** A diagnosis button (never typed): the runbook's next move after the failed rollout `fromJob`. */
  remedy?: { kind: RemedyKind; fromJob: string };
}

export interface InvalidCommand {
  kind: 'invalid';
  code: ParseErrorCode;
  /** What was wrong, in a sentence for the requester. */
  message: string;
  /** What is valid or what to do, in words (the usage line is `usage`, drawn in each surface's syntax). */
  hint?: string;
  /** The command whose usage line answers the mistake. */
  usage: CommandName;
  /** A corrected command to type, when there is one. */
  next?: SuggestedCommand[];
}
