import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { JsonPatchOperation } from '../../../ports/kubernetes-cluster.js';
import { LAST_APPLIED, restoredLastApplied } from './restore-last-applied.js';

/**
 * kubectl's undo patch, with last-applied-configuration rewritten to the restored template in the same
 * write (kubectl#1297: `rollout undo` leaves the bad manifest there, so a later `kubectl apply` computes
 * its three-way merge against the wrong base). Unchanged when the Deployment was never `kubectl apply`-ed.
 */
export function applySafeUndoPatch(
  deployment: V1Deployment,
  template: V1PodTemplateSpec | undefined,
  patch: JsonPatchOperation[],
): { patch: JsonPatchOperation[]; rewritten: boolean } {
  const lastApplied = restoredLastApplied(deployment, template);
  if (lastApplied === undefined) return { patch, rewritten: false };
  return {
    rewritten: true,
    patch: patch.map((op) =>
      op.path === '/metadata/annotations' && op.op === 'replace'
        ? { ...op, value: { ...(op.value as Record<string, string>), [LAST_APPLIED]: lastApplied } }
        : op,
    ),
  };
}

/** The same for `kubectl set image`'s strategic merge patch: the image changed in the applied manifest too. */
export function applySafeImagePatch(
  deployment: V1Deployment,
  container: string,
  image: string,
  patch: Record<string, unknown>,
): { patch: Record<string, unknown>; rewritten: boolean } {
  const template = structuredClone(deployment.spec?.template);
  for (const c of [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])]) {
    if (c.name === container) c.image = image;
  }
  const lastApplied = restoredLastApplied(deployment, template);
  if (lastApplied === undefined) return { patch, rewritten: false };
  return {
    rewritten: true,
    patch: { metadata: { annotations: { [LAST_APPLIED]: lastApplied } }, ...patch },
  };
}
