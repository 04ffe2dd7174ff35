import { RollbackError } from '../../src/errors/rollback-error.js';

/** The RollbackError `pending` is refused with; throws (failing the test) when it settles otherwise. */
export async function refusal(pending: Promise<unknown>): Promise<RollbackError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RollbackError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}
