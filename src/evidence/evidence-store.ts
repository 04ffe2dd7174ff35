import type { BundleManifest } from './bundle/bundle-manifest.js';

/** A stored bundle as a listing shows it (from its id alone: no need to open it). */
export interface StoredBundle {
  /** `<service>/<taken at>_<label>_<job or ->_<target>_<random>`: safe in paths, URLs and object keys. */
  id: string;
  service: string;
  label: string;
  takenAt: string;
  jobId: string | undefined;
  /** The host or Deployment it was taken on. */
  target: string;
  bytes: number;
}

export interface BundleListFilter {
  service?: string;
  jobId?: string;
}

/** Keep the newest `keepPerService` bundles of each service, and none older than `maxAgeDays`. */
export interface RetentionPolicy {
  keepPerService: number;
  maxAgeDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepPerService: 50, maxAgeDays: 90 };

/**
 * Where evidence bundles are kept: a directory (`EVIDENCE_DIR`) or an S3-compatible bucket shared by several
 * bot instances. Every method throws EvidenceStoreUnavailableError (retryable) when the store cannot be
 * reached, EvidenceStoreError otherwise, and BadBundleIdError for an id no store could have made.
 */
export interface EvidenceStore {
  /** For logs and `config check`: "directory .data/evidence", "s3 bucket evidence at http://...". */
  readonly description: string;
  put(data: Uint8Array, manifest: BundleManifest): Promise<StoredBundle>;
  /** Newest first. */
  list(filter?: BundleListFilter): Promise<StoredBundle[]>;
  /** The `.tar.gz` bytes, or undefined when there is no such bundle. */
  get(id: string): Promise<Uint8Array | undefined>;
  /** Removes the bundle; no error when it is already gone. */
  delete(id: string): Promise<void>;
}

/** The bundles a retention policy removes from `bundles`, given the time now. */
export function expiredBundles(
  bundles: readonly StoredBundle[],
  policy: RetentionPolicy,
  now: Date,
): StoredBundle[] {
  const oldest = now.getTime() - policy.maxAgeDays * 24 * 3600 * 1000;
  const byService = new Map<string, StoredBundle[]>();
  for (const bundle of bundles)
    byService.set(bundle.service, [...(byService.get(bundle.service) ?? []), bundle]);
  const expired: StoredBundle[] = [];
  for (const list of byService.values()) {
    const newestFirst = [...list].sort(
      (x, y) => y.takenAt.localeCompare(x.takenAt) || y.id.localeCompare(x.id),
    );
    newestFirst.forEach((bundle, i) => {
      if (i >= policy.keepPerService || Date.parse(bundle.takenAt) < oldest) expired.push(bundle);
    });
  }
  return expired;
}

/** Applies a retention policy to a store; returns what it removed. Run it after each put, or on a timer. */
export async function applyRetention(
  store: EvidenceStore,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<StoredBundle[]> {
  const expired = expiredBundles(await store.list(), policy, now);
  for (const bundle of expired) await store.delete(bundle.id);
  return expired;
}
