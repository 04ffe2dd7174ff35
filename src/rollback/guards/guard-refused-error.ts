import { PermanentError } from '../../errors/rollback-error.js';

/** A guard refused the rollback before anything changed (audited as `guard_refused`). */
export class GuardRefusedError extends PermanentError {}
