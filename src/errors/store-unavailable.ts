import { RetryableError } from './rollback-error.js';

/**
 * What ioredis says when Redis does not answer: frozen (timeout), away (closed), or retries spent. A bare
 * ECONNREFUSED is not among them: any other client (Kubernetes, a registry) says that too.
 */
const UNANSWERED = [
  /^Command timed out/,
  /^Connection is closed/,
  /^Reached the max retries per request limit/,
  /^Stream isn't writeable/,
];

/** Whether `error` (or its cause) is the store (Redis) not answering, rather than a bug. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (UNANSWERED.some((pattern) => pattern.test(e instanceof Error ? e.message : ''))) return true;
  }
  return false;
}

/** The plain answer to a command that needed Redis while it did not answer (frozen, restarting, away). */
export function storeUnavailable(cause: unknown): RetryableError {
  return new RetryableError(
    'redis_unavailable',
    'The bot’s store (Redis) did not answer, so this could not be done; nothing was changed.',
    {
      cause,
      hint: 'Try again in a moment. A rollback already running goes on; its status message catches up once Redis answers.',
    },
  );
}
