import type { V1ReplicaSet } from '@kubernetes/client-node';
import { PermanentError } from '../../../errors/rollback-error.js';
import { computeImagePatch } from './compute-image-patch.js';
import { equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './equal-ignore-hash.js';
import type { KubernetesTarget, UndoTarget } from './kubernetes-target.js';
import type { DeploymentState } from './read-deployment-state.js';
import { podTemplateHash } from './remedies/backup-template.js';
import { RESTARTED_AT } from './remedies/restart-annotation.js';

/** The target ReplicaSet of an undo, found by name (its revision number changes once rolled back to). */
export function findTargetReplicaSet(target: UndoTarget, state: DeploymentState): V1ReplicaSet {
  const rs = state.replicaSets.find((r) => r.metadata?.name === target.replicaSet);
  if (!rs) {
    throw new PermanentError(
      'target_revision_gone',
      `ReplicaSet ${target.replicaSet} (revision ${target.toRevision}) of deployment/${target.deployment} no longer exists.`,
      {
        hint: 'It may have been pruned by revisionHistoryLimit: list the versions again and pick another one.',
      },
    );
  }
  const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
  if (target.podTemplateHash && hash !== target.podTemplateHash) {
    throw new PermanentError(
      'target_revision_changed',
      `ReplicaSet ${target.replicaSet} now has pod-template-hash ${hash}, not ${target.podTemplateHash} as planned.`,
      { hint: 'List the versions again and start a new rollback.' },
    );
  }
  return rs;
}

/**
 * Whether the Deployment already runs the target: its template (undo), image (image rollback), restart
 * annotation (rollout restart) or backed-up template (restore).
 */
export function isAtTarget(target: KubernetesTarget, state: DeploymentState): boolean {
  const template = state.deployment.spec?.template;
  switch (target.mode) {
    case 'image':
      return computeImagePatch(state.deployment, target.container, target.image).kind === 'unchanged';
    case 'undo':
      return equalIgnoreHash(findTargetReplicaSet(target, state).spec?.template, template);
    case 'restart':
      return template?.metadata?.annotations?.[RESTARTED_AT] === target.restartedAt;
    case 'restore':
      return podTemplateHash(template) === target.templateHash;
  }
}

/** "revision 3 (ReplicaSet kaizen-5c8d7e9f1, image ...)" or "image registry/kaizen:v0.7.0". */
export function describeTarget(target: KubernetesTarget): string {
  if (target.mode === 'image') return `image ${target.image} for container ${target.container}`;
  if (target.mode === 'restart') return `a rollout restart (${RESTARTED_AT}=${target.restartedAt})`;
  if (target.mode === 'restore')
    return `the pod template the pre-checks of ${target.fromJob} backed up${target.image ? ` (image ${target.image})` : ''}`;
  return `revision ${target.toRevision} (ReplicaSet ${target.replicaSet}${target.image ? `, image ${target.image}` : ''})`;
}
