import type { ErrorCode } from './error-codes.js';
import type { SuggestedCommand } from './suggested-command.js';

/**
 * Errors carry a stable `code` (one of {@link ErrorCode}), a human `message`, an optional `hint` (what a person should do next,
 * usually the runbook's advice) and the underlying `cause`.
 *
 * - {@link InputError}: the request itself is wrong (unknown service, bad version). Shown to the requester;
 *   nothing is enqueued.
 * - {@link RetryableError}: something outside failed transiently (API 409/5xx, timeout). Safe to retry.
 * - {@link PermanentError}: a failure a human must act on (paused Deployment, deadline exceeded). Never retried.
 */
export interface RollbackErrorOptions {
  cause?: unknown;
  hint?: string;
  details?: readonly string[];
  /** Commands the requester can type next; each surface prints them in its own syntax. */
  next?: readonly SuggestedCommand[];
}

export class RollbackError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly next: readonly SuggestedCommand[];

  constructor(code: ErrorCode, message: string, options: RollbackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.next = options.next ?? [];
  }
}

export class InputError extends RollbackError {}
export class RetryableError extends RollbackError {}
export class PermanentError extends RollbackError {}
export class CancelledError extends RollbackError {
  constructor(message = 'The rollback was cancelled.', options: RollbackErrorOptions = {}) {
    super('cancelled', message, options);
  }
}

/**
 * This worker lost its hold on the job (its BullMQ lock could not be renewed): another worker resumes it.
 * The runner stops at once and publishes nothing more, so two workers never drive one rollback.
 */
export class JobAbandonedError extends RollbackError {
  constructor(jobId: string) {
    super('job_abandoned', `This worker lost its lock on ${jobId}; another worker resumes it.`);
  }
}

/**
 * This worker is shutting down (SIGTERM): the step in flight reached its safe point and the job goes back
 * to its queue, where another worker of the site resumes it at once from the step it was in. Like an
 * abandoned job, the runner publishes no ending; unlike one, it says in the thread why the job moved.
 */
export class JobHandedBackError extends RollbackError {
  constructor(jobId: string) {
    super('job_handed_back', `This worker is shutting down; ${jobId} goes back to the queue.`);
  }
}

export function isRetryable(error: unknown): error is RetryableError {
  return error instanceof RetryableError;
}

/** A plain, secret-free description of any thrown value, for reports. */
export function describeError(error: unknown): { code: ErrorCode; message: string; hint?: string } {
  if (error instanceof RollbackError) {
    return error.hint === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, hint: error.hint };
  }
  if (error instanceof Error) return { code: 'internal', message: error.message };
  return { code: 'internal', message: String(error) };
}
