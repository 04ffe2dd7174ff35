import type { V1Deployment } from '@kubernetes/client-node';
import { describeCdManager, detectCdManagers, type CdManager } from '../../gitops/detect-cd-managers.js';

/** One warning per CD system that manages the Deployment: what it will do to a rollback left alone. */
export function cdManagerWarnings(deployment: V1Deployment, onlyImageUpdaters = false): string[] {
  const name = deployment.metadata?.name ?? '';
  return detectCdManagers(deployment.metadata)
    .filter((m) => !onlyImageUpdaters || m.system === 'image-updater')
    .map((m) => warningFor(name, m));
}

function warningFor(deployment: string, manager: CdManager): string {
  const who = describeCdManager(manager);
  if (manager.system === 'image-updater') {
    return `deployment/${deployment} is watched by ${who}: it may write the newest tag back after the rollback.`;
  }
  const what =
    manager.system === 'argocd'
      ? 'with automated sync it puts the version in Git back'
      : 'its next reconciliation puts the version in Git back';
  return `deployment/${deployment} is managed by ${who}: ${what}. Hold it while the rollback stands (gitops.pause in the service's config) and revert the change in Git.`;
}
