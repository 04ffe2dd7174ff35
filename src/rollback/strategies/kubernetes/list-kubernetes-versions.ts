import type { KubernetesSection } from '../../../config/service-schema.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { VersionEntry } from '../../strategy.js';
import { imageTag } from './describe-image.js';
import { readDeploymentState } from './read-deployment-state.js';
import { containerImage, revisionHistory } from './replica-set-history.js';

function day(value: Date | string | undefined): string {
  if (value === undefined) return 'unknown date';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? 'unknown date' : date.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The Deployment's revisions (from its ReplicaSets) with their images, newest first, the current one
 * marked; then the tags configured in `kubernetes.tags`.
 */
export async function listKubernetesVersions(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  signal?: AbortSignal,
): Promise<VersionEntry[]> {
  const state = await readDeploymentState(cluster, section, signal);
  const entries: VersionEntry[] = revisionHistory(state.deployment, state.replicaSets).map((entry) => {
    const image =
      containerImage(entry.replicaSet.spec?.template, section.container) ?? entry.images.join(', ');
    const created = day(entry.replicaSet.metadata?.creationTimestamp as Date | string | undefined);
    const pods = entry.replicaSet.status?.replicas ?? 0;
    return {
      id: `revision:${entry.revision}`,
      ...(image ? { version: imageTag(image) } : {}),
      ran: true,
      description: `revision ${entry.revision}: ${image}, ReplicaSet ${entry.replicaSet.metadata?.name ?? '?'}, created ${created}, ${pods} pods`,
      ...(entry.current ? { current: true } : {}),
    };
  });
  for (const tag of section.tags ?? []) {
    const image = `${section.image}:${tag}`;
    entries.push({
      id: tag,
      version: tag,
      description: `tag ${tag}: ${image}`,
      ...(state.image === image ? { current: true } : {}),
    });
  }
  return entries;
}
