import type { KubernetesSection, ServiceConfig } from '../../../config/service-schema.js';
import { planGitopsHold } from '../../gitops/plan-gitops-hold.js';
import { InputError, PermanentError } from '../../../errors/rollback-error.js';
import type { PlannedAction, RollbackRequest } from '../../plan.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { ResolvedPlan } from '../../strategy.js';
import { computeImagePatch } from './compute-image-patch.js';
import { findRevisionToUndo, undoToReplicaSet } from './compute-undo-patch.js';
import { LAST_APPLIED } from './apply-safe/restore-last-applied.js';
import { cdManagerWarnings } from './cd-manager-warnings.js';
import { checkDeploymentTraps, kubectlFlags } from './deployment-traps.js';
import { prunedRevisionError } from './pruned-revision.js';
import { describeVersion } from './describe-image.js';
import type { ImageTarget, UndoTarget } from './kubernetes-target.js';
import { clusterWhere, readDeploymentState, type DeploymentState } from './read-deployment-state.js';
import { containerImage, revisionHistory } from './replica-set-history.js';
import { POD_TEMPLATE_HASH_LABEL } from './equal-ignore-hash.js';

const REVISION_VERSION = /^revision[:-]?(\d+)$/;

function revisionsHint(state: DeploymentState, container: string): string {
  const lines = revisionHistory(state.deployment, state.replicaSets).map(
    (e) =>
      `${e.revision}${e.current ? ' (current)' : ''}: ${containerImage(e.replicaSet.spec?.template, container) ?? e.images.join(', ')}`,
  );
  return lines.length > 0
    ? `Revisions of deployment/${state.deployment.metadata?.name ?? ''}: ${lines.join('; ')}.`
    : 'The Deployment has no revisions.';
}

/** What both kinds of target are resolved from. */
interface Resolving {
  state: DeploymentState;
  section: KubernetesSection;
  request: RollbackRequest;
  where: string;
  from: string;
  common: Record<string, unknown>;
}

interface Core {
  to: string;
  target: ImageTarget | UndoTarget;
  action: PlannedAction;
}

/**
 * Reads the Deployment now and turns the request into a concrete target: an image (`version`), or the
 * ReplicaSet of a revision (`toRevision`, or "previous" resolved to the second-highest revision). The
 * known traps are checked first, and the CD system that manages it is held, warned about or refuses.
 */
export async function resolveKubernetesPlan(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  request: RollbackRequest,
  signal?: AbortSignal,
  service?: ServiceConfig,
): Promise<ResolvedPlan> {
  const state = await readDeploymentState(cluster, section, signal);
  await checkDeploymentTraps(cluster, section, state, signal);
  const gitops = service
    ? await planGitopsHold(cluster, service, state.deployment, request, signal)
    : undefined;
  const warnings = [
    ...(gitops?.warnings ?? []),
    ...cdManagerWarnings(state.deployment, gitops?.handled === true),
  ];
  const common = {
    ...(section.context ? { context: section.context } : {}),
    ...(gitops?.hold ? { gitops: gitops.hold } : {}),
    namespace: section.namespace,
    deployment: section.deployment,
    container: section.container,
    from: {
      revision: state.revision ?? 0,
      ...(state.image ? { image: state.image } : {}),
      ...(state.newReplicaSet?.metadata?.name ? { replicaSet: state.newReplicaSet.metadata.name } : {}),
    },
  };
  const from = describeVersion(state.image, state.revision);
  const byRevision = request.version === undefined ? undefined : REVISION_VERSION.exec(request.version);
  const version = byRevision ? undefined : request.version;
  const toRevision = byRevision ? Number(byRevision[1]) : request.toRevision;
  const resolving: Resolving = {
    state,
    section,
    request,
    where: clusterWhere(cluster, section.namespace),
    from,
    common,
  };
  const core = version !== undefined ? resolveImage(resolving, version) : resolveUndo(resolving, toRevision);
  return {
    from,
    to: core.to,
    target: { ...core.target },
    actions: [...(gitops?.actions ?? []), core.action],
    ...withWarnings(warnings),
  };
}

function resolveImage(r: Resolving, version: string): Core {
  const { state, section, where, from } = r;
  const name = section.deployment;
  if (section.tags && !section.tags.includes(version)) {
    throw new InputError('unknown_version', `${version} is not a known version of ${name}.`, {
      hint: `Valid versions: ${section.tags.join(', ')}.`,
    });
  }
  const image = `${section.image}:${version}`;
  const result = computeImagePatch(state.deployment, section.container, image);
  if (result.kind === 'missing_container') {
    throw new PermanentError('container_not_found', `${result.message} in deployment/${name} (${where})`, {
      hint: 'Fix kubernetes.container in the service YAML.',
    });
  }
  if (result.kind === 'unchanged') {
    throw new InputError('already_current', `${name} already runs ${image} (${from}).`);
  }
  const target = { mode: 'image', ...r.common, version, image } as ImageTarget;
  const action: PlannedAction = {
    target: `cluster ${where}`,
    description:
      `PATCH deployment/${name} (strategic merge patch) ${JSON.stringify(result.patch)}, ` +
      `as kubectl set image deployment/${name} ${section.container}=${image} ${kubectlFlags(section)}` +
      applySafeNote(state),
  };
  return { to: version, target, action };
}

function resolveUndo(r: Resolving, toRevision: number | undefined): Core {
  const { state, section, where, from } = r;
  const name = section.deployment;
  const requested = toRevision ?? 0;
  const selection = findRevisionToUndo(state.deployment, state.replicaSets, requested);
  if ('kind' in selection) {
    const pruned = prunedRevisionError(state, section, requested, r.request.service);
    if (pruned) throw pruned;
    const code = selection.reason === 'no_history' ? 'no_previous_revision' : 'unknown_revision';
    throw new InputError(code, selection.message, { hint: revisionsHint(state, section.container) });
  }
  const plan = undoToReplicaSet(state.deployment, selection, requested);
  if (plan.kind === 'skip')
    throw new InputError('already_current', `${plan.message}: ${name} already runs ${from}.`);
  const rs = selection.replicaSet;
  const rsName = rs.metadata?.name ?? '';
  const image = containerImage(rs.spec?.template, section.container);
  const target = {
    mode: 'undo',
    ...r.common,
    requested: toRevision === undefined ? 'previous' : 'revision',
    toRevision: selection.revision,
    replicaSet: rsName,
    podTemplateHash:
      rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      rs.spec?.template?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      '',
    ...(image ? { image } : {}),
  } as UndoTarget;
  const annotations = plan.patch[1]?.value as Record<string, string>;
  const action: PlannedAction = {
    target: `cluster ${where}`,
    description:
      `PATCH deployment/${name} (JSON Patch): replace /spec/template with the template of revision ${selection.revision} ` +
      `(ReplicaSet ${rsName}, ${revisionHistory(state.deployment, [rs])[0]?.images.join(', ') ?? ''}) and replace ` +
      `/metadata/annotations (keys: ${Object.keys(annotations).join(', ') || 'none'}), ` +
      `as kubectl rollout undo deployment/${name} --to-revision=${selection.revision} ${kubectlFlags(section)}` +
      applySafeNote(state),
  };
  return { to: describeVersion(image, selection.revision), target, action };
}

function withWarnings(warnings: string[]): { warnings?: string[] } {
  return warnings.length > 0 ? { warnings } : {};
}

/** Said in the plan when the Deployment was `kubectl apply`-ed: its last-applied manifest is rewritten too. */
function applySafeNote(state: DeploymentState): string {
  return state.deployment.metadata?.annotations?.[LAST_APPLIED] === undefined
    ? ''
    : `; ${LAST_APPLIED} is rewritten to match (apply-safe)`;
}
