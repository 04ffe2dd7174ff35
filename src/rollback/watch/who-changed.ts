import type { V1Deployment } from '@kubernetes/client-node';
import { describeCdManager, detectCdManagers } from '../gitops/detect-cd-managers.js';

/** The field manager the bot writes with: its own changes are never "someone else". */
const BOT_MANAGER = 'rollback-bot';

/**
 * Who or what changed the Deployment's pod template last: the newest `managedFields` entry (other than
 * the bot's) that owns part of `spec.template`, as the API server records it ("argocd-controller",
 * "kubectl-set", "kustomize-controller"). Without one, the CD systems whose marks the Deployment carries,
 * as the likely ones; else unknown.
 */
export function whoChanged(deployment: V1Deployment): string {
  const entries = (deployment.metadata?.managedFields ?? [])
    .filter((entry) => entry.manager && entry.manager !== BOT_MANAGER)
    .filter((entry) => JSON.stringify(entry.fieldsV1 ?? {}).includes('"f:template"'))
    .sort((a, b) => timeOf(b.time) - timeOf(a.time));
  const newest = entries[0];
  if (newest) {
    const when = newest.time ? ` at ${new Date(newest.time).toISOString()}` : '';
    return `field manager ${newest.manager} (${newest.operation ?? 'Update'}${when})`;
  }
  const managers = detectCdManagers(deployment.metadata);
  if (managers.length > 0)
    return `unknown; the Deployment is managed by ${managers.map(describeCdManager).join(', ')}`;
  return 'unknown (the Deployment records no other field manager)';
}

function timeOf(time: Date | string | undefined): number {
  return time === undefined ? 0 : new Date(time).getTime();
}
