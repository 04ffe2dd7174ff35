import { CancelledError } from '../../errors/rollback-error.js';
import type { CollectorRecord } from '../bundle/bundle-manifest.js';
import type { EvidenceFile } from '../bundle/write-bundle.js';
import type { EvidenceCollector } from './evidence-collector.js';

export interface RunCollectorsOptions {
  /** Per collector. */
  timeoutMs: number;
  /** The caller giving up (job cancelled): every collector stops, and runCollectors throws CancelledError. */
  signal?: AbortSignal;
  now: Date;
}

export interface CollectedEvidence {
  files: EvidenceFile[];
  records: CollectorRecord[];
}

/**
 * Runs every collector at once, each with its own time limit. A collector that fails or runs out of time is
 * recorded with its error and does not stop the others.
 */
export async function runCollectors(
  collectors: readonly EvidenceCollector[],
  options: RunCollectorsOptions,
): Promise<CollectedEvidence> {
  const results = await Promise.all(collectors.map((collector) => runOne(collector, options)));
  if (options.signal?.aborted) throw new CancelledError('Evidence collection was cancelled.');
  return {
    files: results.flatMap((r) => r.files),
    records: results.map((r) => r.record),
  };
}

async function runOne(
  collector: EvidenceCollector,
  options: RunCollectorsOptions,
): Promise<{ files: EvidenceFile[]; record: CollectorRecord }> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const output = await untilAborted(
      collector.collect({ signal, now: options.now, timeoutMs: options.timeoutMs }),
      signal,
    );
    const warnings = output.warnings ?? [];
    return {
      files: output.files,
      record: {
        name: collector.name,
        ok: true,
        durationMs: durationMs(),
        files: output.files.map((f) => f.path),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  } catch (error) {
    const message = timeout.aborted
      ? `timed out after ${options.timeoutMs < 1000 ? `${options.timeoutMs} ms` : `${options.timeoutMs / 1000} s`}`
      : options.signal?.aborted
        ? 'cancelled'
        : error instanceof Error
          ? error.message
          : String(error);
    return {
      files: [],
      record: { name: collector.name, ok: false, durationMs: durationMs(), files: [], error: message },
    };
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts, for collectors that ignore their signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
