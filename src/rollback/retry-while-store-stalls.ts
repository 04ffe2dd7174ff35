import { RetryableError } from '../errors/rollback-error.js';
import { isStoreUnavailable } from '../errors/store-unavailable.js';
import { retryWithBackoff, type RetryPolicy } from './retry-with-backoff.js';

/**
 * Four sends a few hundred ms apart: with the 2 s Redis command timeout, a Redis (or a bot process) stalled
 * for up to about 8 s on a loaded machine no longer fails the write; one frozen longer still does, in about
 * 10 s.
 */
export const STORE_STALL_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 1_000 };

/**
 * Runs an idempotent Redis write (one that may be sent again, whether or not Redis carried out the one that
 * timed out) again while Redis does not answer (see isStoreUnavailable); any other error is thrown at once.
 * Once the attempts are spent, the last attempt's own error is thrown, as `write` threw it.
 */
export async function retryWhileStoreStalls<T>(
  write: () => Promise<T>,
  options: { policy?: RetryPolicy; onRetry?: (cause: unknown, attempt: number) => void } = {},
): Promise<T> {
  try {
    return await retryWithBackoff(
      async () => {
        try {
          return await write();
        } catch (error) {
          if (!isStoreUnavailable(error)) throw error;
          throw new StoreStalled(error);
        }
      },
      options.policy ?? STORE_STALL_RETRY,
      { onRetry: (error, attempt) => options.onRetry?.(error.cause, attempt) },
    );
  } catch (error) {
    throw error instanceof StoreStalled ? error.cause : error;
  }
}

class StoreStalled extends RetryableError {
  constructor(cause: unknown) {
    super('redis_unavailable', 'Redis did not answer.', { cause });
  }
}
