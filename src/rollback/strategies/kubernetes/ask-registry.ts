import { CancelledError, RollbackError } from '../../../errors/rollback-error.js';
import type { ImageRegistry } from '../../ports/image-registry.js';

/** What the image registry said about one tag, or why it could not be asked. */
export type RegistryAnswer =
  | { kind: 'exists'; digest: string }
  | { kind: 'missing' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'not_configured' };

/**
 * Asks the registry whether `repository:tag` exists, within `timeoutSeconds`. A registry that cannot be
 * asked (unreachable, 5xx, refused credentials) is an answer too, said plainly: the caller decides
 * whether that blocks. Only a cancelled job throws.
 */
export async function askRegistry(
  registry: ImageRegistry | undefined,
  repository: string,
  tag: string,
  options: { timeoutSeconds: number; signal?: AbortSignal },
): Promise<RegistryAnswer> {
  if (!registry) return { kind: 'not_configured' };
  const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const check = await registry.manifestExists(repository, tag, { signal });
    return check.exists ? { kind: 'exists', digest: check.digest } : { kind: 'missing' };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = timeout.aborted
      ? `the registry did not answer within ${options.timeoutSeconds}s`
      : error instanceof RollbackError && !(error instanceof CancelledError)
        ? error.message
        : String(error);
    return { kind: 'unavailable', message };
  }
}
