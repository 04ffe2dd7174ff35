import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors/error-codes.js';
import { describeError, InputError, PermanentError } from '../../src/errors/rollback-error.js';

describe('error codes', () => {
  it('are known words: a misspelt code does not compile, and a known one reaches the reader as it is', () => {
    // @ts-expect-error -- "unknown_servce" is not an ErrorCode: tsc --noEmit (CI) fails if this compiles.
    const misspelt = new InputError('unknown_servce', 'x');
    expect(misspelt.code).toBe('unknown_servce');
    const code: ErrorCode = 'unknown_service';
    expect(describeError(new InputError(code, 'Unknown service "kaizn".'))).toEqual({
      code: 'unknown_service',
      message: 'Unknown service "kaizn".',
    });
  });

  it('describe anything thrown that is not a RollbackError as internal', () => {
    expect(describeError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(describeError('plain')).toEqual({ code: 'internal', message: 'plain' });
    expect(describeError(new PermanentError('rollout_timeout', 'slow', { hint: 'look' }))).toEqual({
      code: 'rollout_timeout',
      message: 'slow',
      hint: 'look',
    });
  });
});
