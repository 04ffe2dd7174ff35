import type { ErrorCode } from './error-codes.js';
import { RetryableError, type RollbackErrorOptions } from './rollback-error.js';

/**
 * A retryable failure whose source said how long to wait (HTTP `Retry-After`, a rate-limit reset). Retry
 * loops and the notification outbox wait at least `retryAfterMs` before the next attempt.
 */
export class RetryLaterError extends RetryableError {
  readonly retryAfterMs: number;

  constructor(code: ErrorCode, message: string, retryAfterMs: number, options: RollbackErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterMs = Math.max(0, Math.round(retryAfterMs));
  }
}

/** How long the error asks to wait, when it says. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof RetryLaterError ? error.retryAfterMs : undefined;
}
