import { pinnedDigest, tagOfPinned } from '../../images/ran-digests.js';
import type { RanDigest } from '../../ports/image-digests.js';

/** An image that ran in a revision of the Deployment, and when its ReplicaSet was created (ISO). */
export interface HistoryImage {
  revision: number;
  image: string;
  created?: string;
}

/**
 * What `image` (`<repo>:<tag>`) ran as where the Deployment's history has it pinned by digest
 * (`<repo>:<tag>@sha256:…`, as `kubernetes.pinDigest` or a CD system that pins leaves it): the digest of the
 * newest such revision, seen when its ReplicaSet was created. Undefined when it never ran pinned.
 * `history` is newest first.
 */
export function pinnedRunOf(history: readonly HistoryImage[], image: string): RanDigest | undefined {
  for (const entry of history) {
    const digest = pinnedDigest(entry.image);
    if (digest === undefined || tagOfPinned(entry.image) !== image) continue;
    return { image, digest, revision: entry.revision, seenAt: entry.created ?? 'when it ran' };
  }
  return undefined;
}
