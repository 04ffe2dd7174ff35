import type { V1Deployment } from '@kubernetes/client-node';
import type { ServiceConfig } from '../../config/service-schema.js';
import { InputError, RollbackError } from '../../errors/rollback-error.js';
import type { PlannedAction, RollbackRequest } from '../plan.js';
import type { CustomObjectRef, KubernetesCluster } from '../ports/kubernetes-cluster.js';
import type { HoldKind } from '../ports/gitops-holds.js';
import { cdObjectFor, heldField, holdPatch, isActive, type CdObject } from './cd-object.js';
import { detectCdManagers } from './detect-cd-managers.js';

/** The hold a plan makes, stored with its target. */
export interface PlannedHold {
  ref: CustomObjectRef;
  kind: HoldKind;
  description: string;
}

export interface GitopsPlan {
  hold?: PlannedHold;
  /** Whether a CD object was found to decide about (its warnings replace the generic ones). */
  handled: boolean;
  warnings: string[];
  actions: PlannedAction[];
}

const WHAT: Record<HoldKind, string> = {
  'argocd-automated': 'automated sync',
  'flux-suspend': 'reconciliation',
};

async function readObject(
  cluster: KubernetesCluster,
  object: CdObject,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | undefined> {
  try {
    return await cluster.getCustomObject(object.ref, signal);
  } catch (error) {
    if (error instanceof RollbackError && error.code === 'kubernetes_not_found') return undefined;
    throw error;
  }
}

/**
 * Decides, when the rollback is asked for, what to do about the CD system that manages the Deployment:
 * nothing (none, or its sync is off), hold it (the service's `gitops.pause` allows it), warn (`--force`),
 * or refuse, saying why, before anything changes.
 */
export async function planGitopsHold(
  cluster: KubernetesCluster,
  service: ServiceConfig,
  deployment: V1Deployment,
  request: RollbackRequest,
  signal?: AbortSignal,
): Promise<GitopsPlan> {
  const name = `deployment/${deployment.metadata?.name ?? ''}`;
  const managers = detectCdManagers(deployment.metadata);
  const object = cdObjectFor(service.gitops, managers, deployment.metadata?.namespace ?? 'default');
  if (!object) return { handled: false, warnings: [], actions: [] };
  const found = await readObject(cluster, object, signal);
  if (!found) {
    const warnings = object.certain
      ? [`${name} names ${object.description}, which does not exist here: nothing to hold.`]
      : [];
    return { handled: object.certain, warnings, actions: [] };
  }
  const field = heldField(found, object.kind);
  if (!isActive(object.kind, field)) {
    return {
      handled: true,
      warnings: [
        `${name} is managed by ${object.description}; its ${WHAT[object.kind]} is off: nothing to hold.`,
      ],
      actions: [],
    };
  }
  if (service.gitops?.pause) {
    const { ref, kind, description } = object;
    return {
      handled: true,
      hold: { ref, kind, description },
      warnings: [
        `${name} is managed by ${description}: the bot pauses its ${WHAT[kind]} before the rollback (GitOps paused) and restores it exactly on /rollback release. Revert the change in Git before releasing.`,
      ],
      actions: [
        {
          target: `cluster ${ref.namespace}`,
          description: `PATCH ${ref.plural}.${ref.group}/${ref.name} (JSON Patch) ${JSON.stringify(holdPatch(kind, field))}; restored on /rollback release`,
        },
      ],
    };
  }
  const why = `${name} is managed by ${object.description} with ${WHAT[object.kind]} on: it will put the bad version back minutes after the rollback, and this service's config does not let the bot pause it (gitops.pause).`;
  if (request.force) {
    return {
      handled: true,
      warnings: [
        `${why} --force was given: the rollback WILL be reverted at its next sync unless someone pauses it.`,
      ],
      actions: [],
    };
  }
  throw new InputError('gitops_hold_not_allowed', `${why} Nothing was changed.`, {
    hint: `Set gitops: {pause: true} in the service's config, or pause ${object.description} yourself, or ask again with --force to roll back anyway (it will be reverted).`,
  });
}
