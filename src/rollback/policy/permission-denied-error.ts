import { InputError } from '../../errors/rollback-error.js';
import type { PermissionDecision } from './permission-decision.js';

/** A refusal by the permission policy: shown to the person (ephemerally) with the rule that denied. */
export class PermissionDeniedError extends InputError {
  readonly rule: string;

  constructor(decision: Extract<PermissionDecision, { allowed: false }>) {
    super('permission_denied', decision.message, { hint: `${decision.hint} (rule: ${decision.rule})` });
    this.rule = decision.rule;
  }
}
