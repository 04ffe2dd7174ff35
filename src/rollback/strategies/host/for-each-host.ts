import { CancelledError } from '../../errors.js';
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
  let failure: { error: unknown } | undefined;

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
        failure ??= { error };
      }
    }
  };

  const lanes = Math.max(1, Math.min(parallel, hosts.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}
