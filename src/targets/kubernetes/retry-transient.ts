import type { Logger } from '../../observability/logger.js';
import { CancelledError, isRetryable, type RollbackError } from '../../errors/rollback-error.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Exponential backoff with jitter: base·2^(n-1), scaled by a random factor in [0.5, 1). */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs ?? 5_000, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `operation` (which throws domain errors) again while it fails with a RetryableError that
 * `shouldRetry` accepts, up to `policy.attempts` times, then throws the last error.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: {
    policy: RetryPolicy;
    log: Logger;
    what: string;
    signal?: AbortSignal;
    shouldRetry?: (error: RollbackError) => boolean;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const retry =
        isRetryable(error) && attempt < options.policy.attempts && (options.shouldRetry?.(error) ?? true);
      if (!retry || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(options.policy, attempt);
      options.log.warn(
        { what: options.what, attempt, delayMs, code: error.code, err: error.message },
        'kubernetes call failed, retrying',
      );
      await sleep(delayMs, options.signal);
    }
  }
}
