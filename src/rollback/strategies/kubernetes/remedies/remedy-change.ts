import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { PermanentError } from '../../../../errors/rollback-error.js';
import type { JsonPatchOperation, PatchKind } from '../../../ports/kubernetes-cluster.js';
import type { RestartTarget, RestoreTarget } from '../kubernetes-target.js';
import type { KubernetesStepDeps } from '../kubernetes-step-deps.js';
import type { DeploymentState } from '../read-deployment-state.js';
import { backupTemplate, podTemplateHash } from './backup-template.js';
import { RESTARTED_AT } from './restart-annotation.js';

export interface RemedyChange {
  patch: JsonPatchOperation[] | Record<string, unknown>;
  kind: PatchKind;
  description: string;
}

/**
 * The patch of a remedy: `kubectl rollout restart`'s strategic merge of the restartedAt annotation, or the
 * backed-up pod template put back with a JSON Patch guarded by the resourceVersion just read (a Deployment
 * changed in between is a conflict: the step re-reads and decides again).
 */
export async function remedyChange(
  deps: Pick<KubernetesStepDeps, 'backups'>,
  target: RestartTarget | RestoreTarget,
  state: DeploymentState,
): Promise<RemedyChange> {
  if (target.mode === 'restart') {
    return {
      patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: target.restartedAt } } } } },
      kind: 'strategic',
      description: `rollout restart (${RESTARTED_AT}=${target.restartedAt})`,
    };
  }
  const template = await checkedBackup(deps, target);
  return {
    patch: [
      { op: 'test', path: '/metadata/resourceVersion', value: state.deployment.metadata?.resourceVersion },
      { op: 'replace', path: '/spec/template', value: template },
    ],
    kind: 'json',
    description: `restored the pod template the pre-checks of ${target.fromJob} backed up${target.image ? ` (image ${target.image})` : ''}`,
  };
}

/** The backup, still the one planned (its hash): a backup that changed since is not restored blindly. */
async function checkedBackup(
  deps: Pick<KubernetesStepDeps, 'backups'>,
  target: RestoreTarget,
): Promise<V1PodTemplateSpec> {
  const template = await backupTemplate(deps.backups, target.fromJob, {
    namespace: target.namespace,
    name: target.deployment,
  }).catch((error: unknown) => {
    throw new PermanentError('backup_missing', `The backup of ${target.fromJob} cannot be read now.`, {
      cause: error,
      hint: 'Restore by hand from your own copy of the Deployment.',
    });
  });
  if (podTemplateHash(template) !== target.templateHash) {
    throw new PermanentError(
      'backup_mismatch',
      `The backup of ${target.fromJob} is not the one planned (its pod template changed since); nothing was restored.`,
    );
  }
  return template;
}
