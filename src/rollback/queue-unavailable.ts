import { RetryableError } from '../errors/rollback-error.js';

/** Redis (queue, locks, audit) did not answer: a retryable error that says so and what to do. */
export function queueUnavailable(cause: unknown, message: string): RetryableError {
  return new RetryableError('queue_unavailable', message, {
    cause,
    hint: 'The job queue (Redis) did not answer. Try again in a moment; if Slack is up but Redis is not, no surface can queue a rollback.',
  });
}
