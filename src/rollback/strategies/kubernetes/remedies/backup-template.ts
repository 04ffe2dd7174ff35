import { createHash } from 'node:crypto';
import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { InputError } from '../../../../errors/rollback-error.js';
import type { DeploymentBackups } from '../../../ports/deployment-backups.js';
import { normalizeJson, templateWithoutHash } from '../equal-ignore-hash.js';

/** The sha256 of a pod template as plain, key-sorted JSON, its pod-template-hash label ignored. */
export function podTemplateHash(template: V1PodTemplateSpec | undefined): string {
  const json = JSON.stringify(normalizeJson(templateWithoutHash(template)));
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/** The pod template the pre-checks of `jobId` backed up for `deployment`; refused plainly when there is none. */
export async function backupTemplate(
  backups: DeploymentBackups | undefined,
  jobId: string,
  deployment: { namespace: string; name: string },
): Promise<V1PodTemplateSpec> {
  const yaml = await backups?.backupOf(jobId);
  const backup = yaml === undefined ? undefined : (parse(yaml) as V1Deployment | null);
  const template = backup?.spec?.template;
  if (!template) {
    throw new InputError(
      'backup_missing',
      `Rollback ${jobId} has no backup of deployment/${deployment.name} to restore (the pre-checks did not take one, or it expired after 30 days).`,
      {
        hint: `Restore by hand from your own copy: kubectl apply -f <backup>.yaml -n ${deployment.namespace}.`,
      },
    );
  }
  if (backup?.metadata?.name !== deployment.name || backup.metadata.namespace !== deployment.namespace) {
    throw new InputError(
      'backup_mismatch',
      `The backup of ${jobId} is of deployment/${backup?.metadata?.name ?? '?'} in ${backup?.metadata?.namespace ?? '?'}, not deployment/${deployment.name} in ${deployment.namespace}.`,
    );
  }
  return template;
}
