import type { V1PodSpec } from '@kubernetes/client-node';
import type { KubernetesSection } from '../../../config/service-schema.js';
import { pinnedDigest, ranDigests } from '../../images/ran-digests.js';
import type { ImageDigests, RanDigest } from '../../ports/image-digests.js';
import type { ImageRegistry } from '../../ports/image-registry.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { askRegistry } from './ask-registry.js';
import { imageTag } from './describe-image.js';
import { checkDigest, type DigestCheck } from './digest-check.js';
import type { DeploymentState } from './read-deployment-state.js';

export interface DigestRecording {
  digests: ImageDigests;
  service: string;
  now?: () => Date;
}

/**
 * Records the digests the Deployment's pods run with now (every ReplicaSet that has pods), so that a
 * later rollback to one of these images knows what it meant. Returns the pods it read.
 */
export async function recordPodDigests(
  recording: DigestRecording,
  pods: V1Pod[],
  replicaSets: V1ReplicaSet[],
  container: string,
): Promise<void> {
  const seenAt = (recording.now?.() ?? new Date()).toISOString();
  await recording.digests.record(recording.service, ranDigests(pods, replicaSets, container, seenAt));
}

/** Lists the Deployment's pods and records their digests (see {@link recordPodDigests}). */
export async function recordRunningDigests(
  cluster: KubernetesCluster,
  recording: DigestRecording,
  section: KubernetesSection,
  state: DeploymentState,
  signal?: AbortSignal,
): Promise<void> {
  const pods = await cluster.listPods(section.namespace, state.selector, signal);
  await recordPodDigests(recording, pods, state.replicaSets, section.container);
}

/** The digest `image` ran with, when the bot records digests and saw it run (never for a pinned image). */
export async function ranWithOf(
  recording: DigestRecording | undefined,
  image: string | undefined,
): Promise<RanDigest | undefined> {
  if (!recording || !image || pinnedDigest(image)) return undefined;
  return recording.digests.ranWith(recording.service, image);
}

/**
 * For an undo: whether the tag in the restored template still names the image that ran. The registry is
 * asked only when there is a recorded digest to compare with.
 */
export async function undoDigestCheck(
  ran: RanDigest | undefined,
  image: string,
  section: KubernetesSection,
  registryFor: ((podSpec: V1PodSpec | undefined) => ImageRegistry | undefined) | undefined,
  podSpec: V1PodSpec | undefined,
  signal?: AbortSignal,
): Promise<DigestCheck> {
  if (!ran) return { warnings: [] };
  const answer = await askRegistry(registryFor?.(podSpec), image, imageTag(image), {
    timeoutSeconds: section.registry?.timeout ?? 10,
    ...(signal ? { signal } : {}),
  });
  return checkDigest(image, ran, answer, {
    pin: section.pinDigest === true,
    mode: 'undo',
    pinCommand: `an image rollback to ${imageTag(image)}`,
  });
}
