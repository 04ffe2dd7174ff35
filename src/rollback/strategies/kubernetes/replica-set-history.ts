import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { equalIgnoreHash } from './equal-ignore-hash.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** kubectl's `deploymentutil.Revision`: no annotation is revision 0; an unparsable one is undefined (ignored). */
export function revisionOf(object: {
  metadata?: { annotations?: Record<string, string> };
}): number | undefined {
  const value = object.metadata?.annotations?.[REVISION_ANNOTATION];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** `metav1.IsControlledBy`: the ReplicaSet's controller owner reference points at the Deployment's UID. */
export function isControlledBy(replicaSet: V1ReplicaSet, deployment: V1Deployment): boolean {
  const uid = deployment.metadata?.uid;
  if (!uid) return false;
  return (replicaSet.metadata?.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.uid === uid,
  );
}

function creationTime(rs: V1ReplicaSet): number {
  const value = rs.metadata?.creationTimestamp as Date | string | undefined;
  if (value === undefined) return 0;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(time) ? 0 : time;
}

/** The ReplicaSets the Deployment controls, oldest first (creation time, then name), as kubectl sorts them. */
export function controlledReplicaSets(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet[] {
  return replicaSets
    .filter((rs) => isControlledBy(rs, deployment))
    .sort(
      (a, b) =>
        creationTime(a) - creationTime(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );
}

/** kubectl's `findNewReplicaSet`: the oldest controlled ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  return controlledReplicaSets(deployment, replicaSets).find((rs) =>
    equalIgnoreHash(rs.spec?.template, deployment.spec?.template),
  );
}

/** kubectl's iteration order in `deploymentRevision`: all old ReplicaSets (oldest first), then the new one. */
export function replicaSetsInKubectlOrder(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet[] {
  const controlled = controlledReplicaSets(deployment, replicaSets);
  const newRs = findNewReplicaSet(deployment, controlled);
  const olds = controlled.filter((rs) => rs !== newRs);
  return newRs ? [...olds, newRs] : olds;
}

/** The image of the named container (or init container) of a pod template. */
export function containerImage(
  template: V1PodTemplateSpec | undefined,
  container: string,
): string | undefined {
  const spec = template?.spec;
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  return all.find((c) => c.name === container)?.image;
}

export interface RevisionEntry {
  revision: number;
  replicaSet: V1ReplicaSet;
  /** `name=image` of every container of the revision's template. */
  images: string[];
  current: boolean;
}

/** The Deployment's revisions (one per controlled ReplicaSet with a valid revision), newest first. */
export function revisionHistory(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): RevisionEntry[] {
  const newRs = findNewReplicaSet(deployment, replicaSets);
  const entries: RevisionEntry[] = [];
  for (const rs of controlledReplicaSets(deployment, replicaSets)) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const images = (rs.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? '?'}`);
    entries.push({ revision, replicaSet: rs, images, current: rs === newRs });
  }
  return entries.sort((a, b) => b.revision - a.revision);
}
