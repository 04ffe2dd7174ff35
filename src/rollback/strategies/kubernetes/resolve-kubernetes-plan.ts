import type { KubernetesSection, ServiceConfig } from '../../../config/service-schema.js';
import { planGitopsHold, type GitopsPlan } from '../../gitops/plan-gitops-hold.js';
import type { V1PodSpec } from '@kubernetes/client-node';
import { InputError } from '../../../errors/rollback-error.js';
import type { PlannedAction, RollbackRequest } from '../../plan.js';
import type { ImageRegistry } from '../../ports/image-registry.js';
import type { KubernetesCluster } from '../../ports/kubernetes-cluster.js';
import type { ResolvedPlan } from '../../strategy.js';
import { findRevisionToUndo, undoToReplicaSet } from './compute-undo-patch.js';
import { LAST_APPLIED } from './apply-safe/restore-last-applied.js';
import { cdManagerWarnings } from './cd-manager-warnings.js';
import { checkDeploymentTraps, kubectlFlags } from './deployment-traps.js';
import { prunedRevisionError } from './pruned-revision.js';
import { describeVersion, imageTag } from './describe-image.js';
import type { UndoTarget } from './kubernetes-target.js';
import {
  clusterWhere,
  readDeploymentState,
  type DeploymentState,
  type SeenSelector,
} from './read-deployment-state.js';
import { containerImage, revisionHistory } from './replica-set-history.js';
import { POD_TEMPLATE_HASH_LABEL } from './equal-ignore-hash.js';
import { resolveImageTarget } from './resolve-image-target.js';
import type { ImageDigests } from '../../ports/image-digests.js';
import { ranWithOf, recordRunningDigests, undoDigestCheck } from './plan-digests.js';
import {
  planConfigDrift,
  type ConfigRecording,
  type TemplateVersion,
} from './config-drift/plan-config-drift.js';

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

export interface ResolveKubernetesOptions {
  service: string;
  /** The service's registry client for a pod spec (its imagePullSecrets); absent: no registry configured. */
  registryFor?: (podSpec: V1PodSpec | undefined) => ImageRegistry | undefined;
  signal?: AbortSignal;
  /** The service's configuration: its `gitops` section decides whether the CD system is held. */
  config?: ServiceConfig;
  /** Where the digests images ran with are recorded (absent: digests are neither recorded nor compared). */
  digests?: ImageDigests;
  /** Where the ConfigMaps and Secrets each version ran with are recorded (absent: no config drift check). */
  configs?: ConfigRecording;
  /** The Deployment's selector as last read, to list its ReplicaSets while it is read again. */
  seen?: SeenSelector;
}

/**
 * Reads the Deployment now and turns the request into a concrete target: an image (`version`), or the
 * ReplicaSet of a revision (`toRevision`, or "previous" resolved to the second-highest revision).
 */
export async function resolveKubernetesPlan(
  cluster: KubernetesCluster,
  section: KubernetesSection,
  request: RollbackRequest,
  options: ResolveKubernetesOptions,
): Promise<ResolvedPlan> {
  const { signal } = options;
  const state = await readDeploymentState(cluster, section, signal, options.seen);
  const name = section.deployment;
  const where = clusterWhere(cluster, section.namespace);
  const recording = options.digests ? { digests: options.digests, service: options.service } : undefined;
  // Independent reads of the state just read, asked at once; a refusal is the one the order below names
  // first (a trap before the CD system), as when they ran one after the other.
  const [traps, digests, cd] = await Promise.allSettled([
    checkDeploymentTraps(cluster, section, state, signal),
    recording ? recordRunningDigests(cluster, recording, section, state, signal) : undefined,
    gitopsFor(cluster, options, state, request),
  ]);
  for (const settled of [traps, digests, cd]) if (settled.status === 'rejected') throw settled.reason;
  const { gitops, warnings, holdActions } = (cd as PromiseFulfilledResult<GitopsPart>).value;
  const common = {
    ...(section.context ? { context: section.context } : {}),
    ...(gitops?.hold ? { gitops: gitops.hold } : {}),
    namespace: section.namespace,
    deployment: name,
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

  if (version !== undefined) {
    const resolved = await resolveImageTarget({
      service: options.service,
      section,
      state,
      version,
      registry: options.registryFor?.(state.deployment.spec?.template?.spec),
      common,
      from,
      where,
      kubectlFlags: kubectlFlags(section),
      actionNote: applySafeNote(state),
      ...withRan(await ranWithOf(recording, `${section.image}:${version}`)),
      ...(signal ? { signal } : {}),
    });
    const template = state.deployment.spec?.template;
    const drift = await configDrift(cluster, section.namespace, options, state, {
      image: `${section.image}:${version}`,
      template,
    });
    return {
      ...resolved,
      actions: [...holdActions, ...resolved.actions],
      ...withWarnings([...warnings, ...(resolved.warnings ?? []), ...drift]),
    };
  }

  return resolveUndo(
    { cluster, section, request, options, state, common, from, where, recording, toRevision },
    {
      warnings,
      holdActions,
    },
  );
}

interface UndoInput {
  cluster: KubernetesCluster;
  section: KubernetesSection;
  request: RollbackRequest;
  options: ResolveKubernetesOptions;
  state: DeploymentState;
  common: Omit<UndoTarget, 'mode' | 'requested' | 'toRevision' | 'replicaSet' | 'podTemplateHash'>;
  from: string;
  where: string;
  recording: { digests: ImageDigests; service: string } | undefined;
  toRevision: number | undefined;
}

/** An undo to a revision ("previous": the one before the current), as `kubectl rollout undo`. */
async function resolveUndo(
  input: UndoInput,
  gitops: { warnings: string[]; holdActions: PlannedAction[] },
): Promise<ResolvedPlan> {
  const { section, request, options, state, common, from, where, recording, toRevision } = input;
  const { signal } = options;
  const { warnings, holdActions } = gitops;
  const name = section.deployment;
  const requested = toRevision ?? 0;
  const selection = findRevisionToUndo(state.deployment, state.replicaSets, requested);
  if ('kind' in selection) {
    const pruned = prunedRevisionError(state, section, requested, request.service);
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
  const ranWith = await ranWithOf(recording, image);
  const digest = image
    ? await undoDigestCheck(
        ranWith,
        image,
        section,
        options.registryFor,
        state.deployment.spec?.template?.spec,
        signal,
      )
    : { warnings: [] };
  const drift = await configDrift(input.cluster, section.namespace, options, state, {
    image,
    revision: selection.revision,
    template: rs.spec?.template,
  });
  const target: UndoTarget = {
    mode: 'undo',
    ...common,
    requested: toRevision === undefined ? 'previous' : 'revision',
    toRevision: selection.revision,
    replicaSet: rsName,
    podTemplateHash:
      rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      rs.spec?.template?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      '',
    ...(image ? { image } : {}),
    ...(ranWith ? { ranWith: ranWith.digest } : {}),
  };
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
  return {
    from,
    to: describeVersion(image, selection.revision),
    target: { ...target },
    actions: [...holdActions, action],
    knownFrom: 'history',
    versions: { from: imageTag(state.image), to: imageTag(image) },
    ...withWarnings([...warnings, ...digest.warnings, ...drift]),
  };
}

/** What the running version's config holds is recorded; the target's is compared with its last run. */
function configDrift(
  cluster: KubernetesCluster,
  namespace: string,
  options: ResolveKubernetesOptions,
  state: DeploymentState,
  target: TemplateVersion,
): Promise<string[]> {
  if (!options.configs) return Promise.resolve([]);
  const current = { image: state.image, revision: state.revision, template: state.deployment.spec?.template };
  return planConfigDrift(cluster, options.configs, namespace, { current, target }, options.signal);
}

function withRan<T>(ran: T | undefined): { ranWith?: T } {
  return ran ? { ranWith: ran } : {};
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

interface GitopsPart {
  gitops: GitopsPlan | undefined;
  warnings: string[];
  holdActions: PlannedAction[];
}

/** The CD system's part of the plan: the hold (if allowed), its action, and every warning to show. */
async function gitopsFor(
  cluster: KubernetesCluster,
  options: ResolveKubernetesOptions,
  state: DeploymentState,
  request: RollbackRequest,
): Promise<GitopsPart> {
  const gitops = options.config
    ? await planGitopsHold(cluster, options.config, state.deployment, request, options.signal)
    : undefined;
  const warnings = [
    ...(gitops?.warnings ?? []),
    ...cdManagerWarnings(state.deployment, gitops?.handled === true),
  ];
  return { gitops, warnings, holdActions: gitops?.actions ?? [] };
}
