import type { Checklist } from './progress-snapshot.js';

/**
 * The runbooks' checklists as data, posted in the status thread so the people involved can tick them off.
 * Wording follows /work/shared/runbooks: kaizen-kubernetes-rollback-runbook.md ("Prerequisites",
 * "Verification Steps", "Communication → After Rollback") and host-rollback-runbook.md ("Post-Mortem Checklist").
 * Each call returns a fresh copy, so a caller may mark items done.
 */

const PREREQUISITES = [
  'Confirm the issue requires a rollback (not a forward fix)',
  'Identify the target rollback version',
  'Notify stakeholders of planned rollback',
  'Ensure access to deployment systems',
  'Have monitoring dashboards ready',
];

const VERIFICATION = [
  'All pods are running and healthy',
  'Health endpoint returns 200 OK',
  'No error logs in pod output',
  'Key workflows execute successfully',
  'Metrics are being collected',
  'Alerts are not firing',
];

const HOST_VERIFICATION = [
  '`systemctl status <service>` shows the service active',
  '`journalctl -u <service> -n 20 --no-pager` shows no new errors',
  'Collect the post-rollback bundle',
  'Compare it with the pre-deploy bundle: things should look as they did before the failed deploy',
];

const KUBERNETES_AFTER_ROLLBACK = [
  'Send completion notification',
  'Schedule post-mortem',
  'Document lessons learned',
];

const HOST_POST_MORTEM = [
  'Diff the journal logs between the pre-deploy (#1) and post-deploy (#2) bundles',
  'Check `systemd/show.txt` for restart count changes',
  'Compare `process/snapshot.txt` memory/fd usage',
  'Note any `hardening/report.txt` differences',
  'Document root cause',
  'Create ticket for proper fix',
];

function checklist(title: string, items: string[]): Checklist {
  return { title, items: items.map((text) => ({ text })) };
}

/** The runbook's "Prerequisites": what to confirm before initiating a rollback. */
export function prerequisitesChecklist(): Checklist {
  return checklist('Before rolling back', PREREQUISITES);
}

/**
 * What to verify by hand after the rollback: the Kubernetes runbook's "Verification Steps", or the host
 * runbook's "After Rollback" for services on hosts.
 */
export function verificationChecklist(strategyKind: 'kubernetes' | 'host' = 'kubernetes'): Checklist {
  return checklist('Verify the rollback', strategyKind === 'kubernetes' ? VERIFICATION : HOST_VERIFICATION);
}

/**
 * What to do after the rollback: for Kubernetes services the runbook's "Communication → After Rollback",
 * for host services the host runbook's "Post-Mortem Checklist".
 */
export function postMortemChecklist(strategyKind: 'kubernetes' | 'host'): Checklist {
  return strategyKind === 'kubernetes'
    ? checklist('After the rollback', KUBERNETES_AFTER_ROLLBACK)
    : checklist('Post-mortem', HOST_POST_MORTEM);
}
