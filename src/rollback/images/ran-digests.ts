import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { RanDigest } from '../ports/image-digests.js';
import { isDigest } from './image-reference.js';

const POD_TEMPLATE_HASH = 'pod-template-hash';

/**
 * The digest in a container status' `imageID`: `docker.io/library/kaizen@sha256:…`,
 * `docker-pullable://kaizen@sha256:…` or a bare `sha256:…` (some runtimes report the config digest
 * that way; it is still what ran). Undefined when the container has not pulled yet (empty imageID).
 */
export function digestOfImageId(imageId: string | undefined): string | undefined {
  if (!imageId) return undefined;
  const at = imageId.lastIndexOf('@');
  const digest = at >= 0 ? imageId.slice(at + 1) : imageId;
  return isDigest(digest) ? digest : undefined;
}

/** The digest pinned in an image reference (`kaizen:v0.7.0@sha256:…`), if any. */
export function pinnedDigest(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  return at >= 0 && isDigest(image.slice(at + 1)) ? image.slice(at + 1) : undefined;
}

/**
 * The tag an image pinned to its digest stands for: `kaizen:v0.7.0@sha256:…` → `kaizen:v0.7.0`, the
 * version people type. A reference without a pinned digest, or one with a digest and no tag
 * (`kaizen@sha256:…`), is returned as it is.
 */
export function tagOfPinned(image: string): string {
  const digest = pinnedDigest(image);
  if (digest === undefined) return image;
  const named = image.slice(0, image.length - digest.length - 1);
  return named.includes(':', named.lastIndexOf('/') + 1) ? named : image;
}

/**
 * What the pods of a Deployment ran, for one container: the template's image and the digest of each
 * started container, with the revision of the pod's ReplicaSet (by pod-template-hash). Pods still
 * pulling and images already pinned by digest are left out (the latter carry their digest already).
 */
export function ranDigests(
  pods: V1Pod[],
  replicaSets: V1ReplicaSet[],
  container: string,
  seenAt: string,
): RanDigest[] {
  const revisions = new Map<string, number>();
  for (const rs of replicaSets) {
    const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH];
    const revision = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    if (hash && Number.isInteger(revision)) revisions.set(hash, revision);
  }
  const seen = new Map<string, RanDigest>();
  for (const pod of pods) {
    const image = pod.spec?.containers.find((c) => c.name === container)?.image;
    const status = pod.status?.containerStatuses?.find((s) => s.name === container);
    const digest = digestOfImageId(status?.imageID);
    if (!image || !digest || pinnedDigest(image) || seen.has(image)) continue;
    const revision = revisions.get(pod.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '');
    seen.set(image, { image, digest, ...(revision !== undefined ? { revision } : {}), seenAt });
  }
  return [...seen.values()];
}
