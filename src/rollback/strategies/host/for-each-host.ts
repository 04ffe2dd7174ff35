import { CancelledError, PermanentError, RetryableError } from '../../../errors/rollback-error.js';
import type { HostSpec } from '../../ports/command-runner.js';

export interface HostProgress {
  /** Hosts whose work finished successfully so far (in completion order). */
  readonly completed: readonly string[];
}

/**
 * Runs `work` for every host, `parallel` at a time (1: one after the other, in order). After the first
 * failure no further host is started; hosts already running finish, then the first error is thrown.
 */
export async function forEachHost<T>(
  hosts: readonly HostSpec[],
  parallel: number,
  work: (host: HostSpec, progress: HostProgress) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const results: T[] = new Array<T>(hosts.length);
  const completed: string[] = [];
  const progress: HostProgress = { completed };
  let next = 0;
  let failure: { error: unknown; completedBefore?: number } | undefined;

  const lane = async (): Promise<void> => {
    while (failure === undefined && next < hosts.length) {
      const index = next++;
      const host = hosts[index] as HostSpec;
      if (signal?.aborted) {
        failure = { error: new CancelledError() };
        return;
      }
      try {
        results[index] = await work(host, progress);
        completed.push(host.name);
      } catch (error) {
        failure ??= { error, completedBefore: completed.length };
      }
    }
  };

  const lanes = Math.max(1, Math.min(parallel, hosts.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) {
    // Hosts running beside the failing one finish their work; the failure's account of what was done
    // was written before they did, so say what changed since.
    const late = completed.slice(failure.completedBefore ?? completed.length);
    throw late.length > 0 ? withLateHosts(failure.error, late) : failure.error;
  }
  return results;
}

function withLateHosts(error: unknown, late: string[]): unknown {
  if (!(error instanceof PermanentError || error instanceof RetryableError)) return error;
  const note = ` Meanwhile ${late.join(', ')} finished this step too (in parallel): count ${late.length === 1 ? 'it' : 'them'} as done.`;
  const ErrorClass = error instanceof PermanentError ? PermanentError : RetryableError;
  return new ErrorClass(error.code, `${error.message}${note}`, {
    cause: error.cause ?? error,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: error.details,
  });
}
