import { InputError } from '../errors/rollback-error.js';
import type { RollbackRequest } from './plan.js';

/** A `--break-glass` request (approvals skipped) is accepted only from the CLI, and only with a reason. */
export function checkBreakGlass(request: RollbackRequest): void {
  if (!request.breakGlass) return;
  if (request.requester.source !== 'cli') {
    throw new InputError('break_glass_not_allowed', '`--break-glass` is only accepted from the CLI.');
  }
  if (!request.reason) {
    throw new InputError('break_glass_needs_reason', '`--break-glass` needs a reason.', {
      hint: 'Say why approvals are skipped: --break-glass --reason "Slack is down, error rate 40%".',
    });
  }
}
