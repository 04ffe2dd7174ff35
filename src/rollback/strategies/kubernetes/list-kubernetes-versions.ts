import type { KubernetesSection } from '../../../config/service-schema.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { VersionEntry } from '../../strategy.js';
import type { RanDigest } from '../../ports/image-digests.js';
import { tagOfPinned } from '../../images/ran-digests.js';
import { imageTag } from './describe-image.js';
import { readDeploymentState, type SeenSelector } from './read-deployment-state.js';
import { containerImage, revisionHistory } from './replica-set-history.js';

function day(value: Date | string | undefined): string {
  if (value === undefined) return 'unknown date';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? 'unknown date' : date.toISOString().slice(0, 16).replace('T', ' ');
}

/** `sha256:2c26b46b68ff`: the digest as people compare it (the first 12 hex digits, as docker shows ids). */
export function shortDigest(digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** Adds the digest the entry's image ran with here, when the bot recorded one (a store failure: none). */
async function withDigest(
  entry: VersionEntry,
  image: string | undefined,
  ranWith: ((image: string) => Promise<RanDigest | undefined>) | undefined,
): Promise<VersionEntry> {
  if (!image || !ranWith) return entry;
  const ran = await ranWith(image).catch(() => undefined);
  if (!ran) return entry;
  return {
    ...entry,
    digest: ran.digest,
    description: `${entry.description}, ran as ${shortDigest(ran.digest)}`,
  };
}

/**
 * The Deployment's revisions (from its ReplicaSets) with their images, newest first, the current one
 * marked (a revision pinned by digest, `kaizen:v0.7.0@sha256:…`, is version v0.7.0); then the tags
 * configured in `kubernetes.tags`. With `ranWith`, each names the digest its image
 * ran with here (short form), when the bot recorded it.
 */
export async function listKubernetesVersions(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  signal?: AbortSignal,
  ranWith?: (image: string) => Promise<RanDigest | undefined>,
  seen?: SeenSelector,
): Promise<VersionEntry[]> {
  const state = await readDeploymentState(cluster, section, signal, seen);
  const entries: Promise<VersionEntry>[] = revisionHistory(state.deployment, state.replicaSets).map(
    (entry) => {
      const own = containerImage(entry.replicaSet.spec?.template, section.container);
      const image = own ?? entry.images.join(', ');
      const created = day(entry.replicaSet.metadata?.creationTimestamp as Date | string | undefined);
      const pods = entry.replicaSet.status?.replicas ?? 0;
      const listed: VersionEntry = {
        id: `revision:${entry.revision}`,
        ...(image ? { version: imageTag(image) } : {}),
        ran: true,
        description: `revision ${entry.revision}: ${image}, ReplicaSet ${entry.replicaSet.metadata?.name ?? '?'}, created ${created}, ${pods} pods`,
        ...(entry.current ? { current: true } : {}),
      };
      return withDigest(listed, own, ranWith);
    },
  );
  for (const tag of section.tags ?? []) {
    const image = `${section.image}:${tag}`;
    const listed: VersionEntry = {
      id: tag,
      version: tag,
      description: `tag ${tag}: ${image}`,
      ...(tagOfPinned(state.image ?? '') === image ? { current: true } : {}),
    };
    entries.push(withDigest(listed, image, ranWith));
  }
  return Promise.all(entries);
}
