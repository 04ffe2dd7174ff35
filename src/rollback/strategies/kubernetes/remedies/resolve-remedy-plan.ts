import type { KubernetesSection } from '../../../../config/service-schema.js';
import { InputError } from '../../../../errors/rollback-error.js';
import type { RollbackRequest } from '../../../plan.js';
import type { DeploymentBackups } from '../../../ports/deployment-backups.js';
import type { KubernetesCluster } from '../../../ports/kubernetes-cluster.js';
import type { ResolvedPlan } from '../../../strategy.js';
import { describeVersion, imageTag } from '../describe-image.js';
import { equalIgnoreHash } from '../equal-ignore-hash.js';
import type { RestartTarget, RestoreTarget } from '../kubernetes-target.js';
import { clusterWhere, readDeploymentState } from '../read-deployment-state.js';
import { containerImage } from '../replica-set-history.js';
import { backupTemplate, podTemplateHash } from './backup-template.js';
import { RESTARTED_AT } from './restart-annotation.js';

/**
 * The plan of a remedy a failed rollout's diagnosis offered: `kubectl rollout restart`, or putting back
 * the pod template the failed rollback's pre-checks backed up. Read now, like a rollback's plan.
 */
export async function resolveRemedyPlan(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  request: RollbackRequest & { remedy: NonNullable<RollbackRequest['remedy']> },
  options: { backups?: DeploymentBackups; now: () => Date; signal?: AbortSignal },
): Promise<ResolvedPlan> {
  const state = await readDeploymentState(cluster, section, options.signal);
  const name = section.deployment;
  const where = `cluster ${clusterWhere(cluster, section.namespace)}`;
  const ns = `-n ${section.namespace}${section.context ? ` --context ${section.context}` : ''}`;
  const common = {
    ...(section.context ? { context: section.context } : {}),
    namespace: section.namespace,
    deployment: name,
    container: section.container,
    fromJob: request.remedy.fromJob,
    from: {
      revision: state.revision ?? 0,
      ...(state.image ? { image: state.image } : {}),
      ...(state.newReplicaSet?.metadata?.name ? { replicaSet: state.newReplicaSet.metadata.name } : {}),
    },
  };
  const from = describeVersion(state.image, state.revision);
  if (request.remedy.kind === 'rollout_restart') {
    const target: RestartTarget = {
      mode: 'restart',
      ...common,
      restartedAt: options.now().toISOString(),
      ...(state.image ? { image: state.image } : {}),
    };
    return {
      from,
      to: `${imageTag(state.image)} restarted (rollout restart)`,
      target: { ...target },
      actions: [
        {
          target: where,
          description: `PATCH deployment/${name} (strategic merge): set the pod template annotation ${RESTARTED_AT}=${target.restartedAt}, as kubectl rollout restart deployment/${name} ${ns}`,
        },
      ],
    };
  }
  const template = await backupTemplate(options.backups, request.remedy.fromJob, {
    namespace: section.namespace,
    name,
  });
  if (equalIgnoreHash(template, state.deployment.spec?.template)) {
    throw new InputError(
      'already_current',
      `deployment/${name} already runs the pod template rollback ${request.remedy.fromJob} backed up (${from}).`,
    );
  }
  const image = containerImage(template, section.container);
  const target: RestoreTarget = {
    mode: 'restore',
    ...common,
    templateHash: podTemplateHash(template),
    ...(image ? { image } : {}),
  };
  return {
    from,
    to: `${imageTag(image)} (the backup of ${request.remedy.fromJob})`,
    target: { ...target },
    actions: [
      {
        target: where,
        description: `PATCH deployment/${name} (JSON Patch): test /metadata/resourceVersion, replace /spec/template with the pod template the pre-checks of ${request.remedy.fromJob} backed up (image ${image ?? '?'}), as kubectl apply of that backup would`,
      },
    ],
    knownFrom: 'history',
  };
}
