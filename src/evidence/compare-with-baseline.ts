import { readBundle, type EvidenceBundle } from './bundle/read-bundle.js';
import { describeTarget, diffBundles, type BundleDiff } from './diff/diff-bundles.js';
import type { EvidenceStore, StoredBundle } from './evidence-store.js';

/** The rollback a post-rollback bundle belongs to. */
export interface RollbackOfBundles {
  service: string;
  jobId: string;
  /** When the rollback was asked for: the baseline is the newest pre-deploy bundle before it. */
  createdAt: string;
}

export interface Comparisons {
  diffs: BundleDiff[];
  /** Targets (described) with nothing to compare with. */
  uncompared: string[];
}

/**
 * Each post-rollback bundle (with its stored entry, for the target) against the newest `pre-deploy` bundle of
 * the same target taken before the rollback was asked for (the baseline), else against the rollback's own
 * broken-state bundle of that target.
 */
export async function compareWithBaseline(
  store: EvidenceStore,
  rollback: RollbackOfBundles,
  after: readonly { bundle: EvidenceBundle; stored: StoredBundle }[],
): Promise<Comparisons> {
  const earlier = await store.list({ service: rollback.service });
  const result: Comparisons = { diffs: [], uncompared: [] };
  for (const { bundle, stored } of after) {
    const { target } = stored;
    const base =
      earlier.find(
        (b) => b.label === 'pre-deploy' && b.target === target && b.takenAt <= rollback.createdAt,
      ) ?? earlier.find((b) => b.label === 'broken' && b.jobId === rollback.jobId && b.target === target);
    const data = base ? await store.get(base.id) : undefined;
    if (data === undefined) result.uncompared.push(describeTarget(bundle.manifest.target));
    else result.diffs.push(diffBundles(await readBundle(data), bundle));
  }
  return result;
}
