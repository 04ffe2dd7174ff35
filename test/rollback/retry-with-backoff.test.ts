import { describe, expect, it } from 'vitest';
import { CancelledError, PermanentError, RetryableError } from '../../src/errors/rollback-error.js';
import { backoffDelay, retryWithBackoff } from '../../src/rollback/retry-with-backoff.js';

const policy = { attempts: 3, baseDelayMs: 1 };

describe('retryWithBackoff', () => {
  it('retries retryable failures and returns the first success', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw new RetryableError('kubernetes_unavailable', 'busy');
        return 'ok';
      },
      policy,
      { onRetry: (_error, attempt) => retried.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after the last attempt and never retries permanent errors or refused ones', async () => {
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls += 1;
      throw new RetryableError('kubernetes_unavailable', 'busy');
    };
    await expect(retryWithBackoff(failing, policy)).rejects.toBeInstanceOf(RetryableError);
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryWithBackoff(failing, policy, { shouldRetry: () => false })).rejects.toBeInstanceOf(
      RetryableError,
    );
    expect(calls).toBe(1);
    calls = 0;
    const permanent = async (): Promise<never> => {
      calls += 1;
      throw new PermanentError('kubernetes_not_found', 'gone');
    };
    await expect(retryWithBackoff(permanent, policy)).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toBe(1);
  });

  it('hands what it retried in vain up as permanent when asked, so the caller does not retry it again', async () => {
    const error = await retryWithBackoff(
      async () => {
        throw new RetryableError('kubernetes_unavailable', 'The API answered 503', { hint: 'Check it.' });
      },
      policy,
      { whenExhausted: 'permanent' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'kubernetes_unavailable',
      message: 'The API answered 503',
      hint: 'Check it.',
      details: ['Tried 3 times before giving up.'],
    });
    expect((error as PermanentError).cause).toBeInstanceOf(RetryableError);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const pending = retryWithBackoff(
      async () => {
        throw new RetryableError('kubernetes_unavailable', 'busy');
      },
      { attempts: 5, baseDelayMs: 10_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it('backs off exponentially with equal jitter: between half and all of the ceiling, which is capped', () => {
    const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(p, 1, () => 0)).toBe(50);
    expect(backoffDelay(p, 1, () => 0.999)).toBe(100);
    expect(backoffDelay(p, 3, () => 0)).toBe(200);
    expect(backoffDelay(p, 3, () => 0.999)).toBe(400);
    expect(backoffDelay(p, 10, () => 0)).toBe(500);
    expect(backoffDelay(p, 10, () => 0.999)).toBe(1_000);
  });
});
