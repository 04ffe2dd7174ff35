import {
  CancelledError,
  isRetryable,
  PermanentError,
  type RetryableError,
} from '../errors/rollback-error.js';

/**
 * The one retry loop of the bot. Which layer retries what, so that no failure is retried twice over:
 *
 * - **An adapter retries one call** that failed transiently and is safe to send again: the Kubernetes
 *   client (targets/kubernetes) retries a 429 always, and a 5xx, timeout or network error for reads and
 *   idempotent patches, with {@link DEFAULT_CALL_RETRY} (short: a plan is resolved inside Slack's 3 s).
 *   When those attempts run out it throws a PermanentError (`whenExhausted: 'permanent'`), so no layer
 *   above it retries the same outage again.
 * - **The runner retries a whole step** (run-rollback, {@link DEFAULT_STEP_RETRY}) on a RetryableError that
 *   no adapter has retried: a Kubernetes conflict (409, a failed `test` precondition) or an ambiguous patch
 *   failure, where the step must read the current state and decide again; an apt lock; an ssh host that
 *   did not answer; Redis not answering while the step records its memory.
 *
 * So a Kubernetes call is sent at most DEFAULT_CALL_RETRY.attempts (4) times per step attempt, and a step
 * runs at most DEFAULT_STEP_RETRY.attempts (4) times; a persistent API outage fails the step after the
 * adapter's 4 sends, not 4 × 4.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** The longest wait between two attempts. Default 15 s. */
  maxDelayMs?: number;
}

export const DEFAULT_STEP_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000 };
export const DEFAULT_CALL_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

export interface RetryOptions {
  /** Aborting stops the wait between attempts at once, with a CancelledError. */
  signal?: AbortSignal;
  /** Narrows which RetryableErrors are retried (default: all of them). Other errors are never retried. */
  shouldRetry?: (error: RetryableError) => boolean;
  /** Called before each wait, e.g. to log or to tell the user. */
  onRetry?: (error: RetryableError, attempt: number, delayMs: number) => void;
  /**
   * What is thrown when the attempts run out on a RetryableError: the error itself (`'rethrow'`, default),
   * or the same code and message as a PermanentError (`'permanent'`), so that callers which retry too
   * do not retry it again. The second is for adapters, whose callers are steps.
   */
  whenExhausted?: 'rethrow' | 'permanent';
  /** Source of randomness for the jitter, in [0, 1). Tests pass a fixed one. */
  random?: () => number;
}

/**
 * Exponential backoff with equal jitter: the ceiling doubles from `baseDelayMs` each attempt up to
 * `maxDelayMs`, and the wait is a random point in its upper half, [ceiling/2, ceiling]. One bot is no herd
 * to scatter, and the guaranteed half keeps a short outage from using up every attempt at once.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs ?? 15_000, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `fn`, retrying a RetryableError (that `shouldRetry` accepts) with backoff, at most
 * `policy.attempts` times in all. Any other error, and any error once the signal is aborted, is thrown as
 * it is; see {@link RetryOptions.whenExhausted} for the last attempt's.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error) || options.signal?.aborted) throw error;
      if (!(options.shouldRetry?.(error) ?? true)) throw error;
      if (attempt >= policy.attempts) {
        throw options.whenExhausted === 'permanent' && attempt > 1 ? givenUp(error, attempt) : error;
      }
      const delay = backoffDelay(policy, attempt, options.random);
      options.onRetry?.(error, attempt, delay);
      await wait(delay, options.signal);
    }
  }
}

/** The last attempt's error as a PermanentError: same code, message and hint; the count in the details. */
function givenUp(error: RetryableError, attempts: number): PermanentError {
  return new PermanentError(error.code, error.message, {
    cause: error,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: [...error.details, `Tried ${attempts} times before giving up.`],
  });
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
