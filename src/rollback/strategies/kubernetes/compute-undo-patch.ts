import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { JsonPatchOperation } from '../../ports/kubernetes-cluster.js';
import { equalIgnoreHash, templateWithoutHash } from './equal-ignore-hash.js';
import { REVISION_ANNOTATION, replicaSetsInKubectlOrder, revisionOf } from './replica-set-history.js';

/**
 * What `kubectl rollout undo deployment/x [--to-revision=N]` does (kubectl's DeploymentRollbacker, in
 * k8s.io/kubectl/pkg/polymorphichelpers/rollback.go), as pure functions over the objects it reads.
 */

/** Annotations kubectl keeps from the Deployment instead of copying them from the ReplicaSet. */
export const ANNOTATIONS_TO_SKIP: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

export interface UndoRefusal {
  kind: 'refused';
  reason: 'revision_not_found' | 'no_history' | 'paused';
  /** kubectl's own error message. */
  message: string;
}

export interface UndoSelection {
  replicaSet: V1ReplicaSet;
  revision: number;
}

export type UndoPlan =
  | ({ kind: 'patch'; patch: JsonPatchOperation[] } & UndoSelection)
  | ({ kind: 'skip'; message: string } & UndoSelection);

export function revisionNotFoundMessage(revision: number): string {
  return `unable to find specified revision ${revision} in history`;
}

/** kubectl's `deploymentRevision`: the ReplicaSet of revision N, or of the second-highest revision for 0. */
export function findRevisionToUndo(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  toRevision: number,
): UndoSelection | UndoRefusal {
  if (toRevision < 0)
    return { kind: 'refused', reason: 'revision_not_found', message: revisionNotFoundMessage(toRevision) };
  let latest: UndoSelection | undefined;
  let previous: UndoSelection | undefined;
  for (const rs of replicaSetsInKubectlOrder(deployment, replicaSets)) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if ((latest?.revision ?? -1) < v) {
        previous = latest;
        latest = { replicaSet: rs, revision: v };
      } else if ((previous?.revision ?? -1) < v) {
        previous = { replicaSet: rs, revision: v };
      }
    } else if (toRevision === v) {
      return { replicaSet: rs, revision: v };
    }
  }
  if (toRevision > 0)
    return { kind: 'refused', reason: 'revision_not_found', message: revisionNotFoundMessage(toRevision) };
  if (!previous) {
    return {
      kind: 'refused',
      reason: 'no_history',
      message: `no rollout history found for deployment "${deployment.metadata?.name ?? ''}"`,
    };
  }
  return previous;
}

export function pausedMessage(name: string): string {
  return `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`;
}

/** The annotations kubectl writes: the Deployment's own skip-listed ones plus the ReplicaSet's others. */
export function undoAnnotations(deployment: V1Deployment, replicaSet: V1ReplicaSet): Record<string, string> {
  const result: Record<string, string> = {};
  const own = deployment.metadata?.annotations ?? {};
  for (const key of ANNOTATIONS_TO_SKIP) {
    const value = own[key];
    if (value !== undefined) result[key] = value;
  }
  for (const [key, value] of Object.entries(replicaSet.metadata?.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.includes(key)) result[key] = value;
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The change that rolls the Deployment back to this ReplicaSet: "skip" when its template already matches,
 * else kubectl's JSON Patch replacing /spec/template (without the pod-template-hash label) and
 * /metadata/annotations. `requested` is the revision the user asked for (0: previous), as kubectl prints it.
 */
export function undoToReplicaSet(
  deployment: V1Deployment,
  selection: UndoSelection,
  requested: number,
): UndoPlan {
  if (equalIgnoreHash(selection.replicaSet.spec?.template, deployment.spec?.template)) {
    return {
      kind: 'skip',
      ...selection,
      message: `skipped rollback (current template already matches revision ${requested})`,
    };
  }
  const template = templateWithoutHash(selection.replicaSet.spec?.template);
  // Go's encoding of ObjectMeta always carries creationTimestamp (null when unset): send what kubectl sends.
  const metadata = (template['metadata'] ?? {}) as Record<string, unknown>;
  template['metadata'] = { creationTimestamp: null, ...metadata };
  const patch: JsonPatchOperation[] = [
    { op: 'replace', path: '/spec/template', value: template },
    {
      op: 'replace',
      path: '/metadata/annotations',
      value: undoAnnotations(deployment, selection.replicaSet),
    },
  ];
  return { kind: 'patch', ...selection, patch };
}

/** The whole of `kubectl rollout undo`: pick the revision, refuse a paused Deployment, skip or patch. */
export function computeUndoPatch(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  toRevision = 0,
): UndoPlan | UndoRefusal {
  const selection = findRevisionToUndo(deployment, replicaSets, toRevision);
  if ('kind' in selection) return selection;
  if (deployment.spec?.paused)
    return { kind: 'refused', reason: 'paused', message: pausedMessage(deployment.metadata?.name ?? '') };
  return undoToReplicaSet(deployment, selection, toRevision);
}
