import type { ServiceConfig } from '../config/service-schema.js';
import type { Checklist, ChecklistItem } from './progress-snapshot.js';

/**
 * The runbooks' checklists as data, with the service's names filled in. Wording follows
 * /work/shared/runbooks: kaizen-kubernetes-rollback-runbook.md ("Prerequisites", "Verification Steps",
 * "Communication → After Rollback") and host-rollback-runbook.md ("Before You Rollback", "After
 * Rollback", "Post-Mortem Checklist"). Each call returns fresh objects.
 */

/** Strategies that change a cluster (the Kubernetes runbook); the others change hosts (the host runbook). */
export function runbookOf(strategy: string): 'kubernetes' | 'host' {
  return strategy === 'kubernetes' || strategy === 'helm' ? 'kubernetes' : 'host';
}

export function checklist(id: string, title: string, items: (ChecklistItem | undefined)[]): Checklist {
  return { id, title, items: items.filter((item): item is ChecklistItem => item !== undefined) };
}

export function item(id: string, text: string): ChecklistItem {
  return { id, text };
}

/** A value as a code span; a backtick inside it would end the span, so it becomes a quote. */
export function code(value: string): string {
  return `\`${value.replaceAll('`', "'")}\``;
}

/** "web-1, web-2", or "this host" for the worker's own machine. */
export function hostNames(service: ServiceConfig): string {
  const hosts = (service.hosts ?? [{ name: 'local' }]).map((host) => host.name);
  return hosts.length === 1 && hosts[0] === 'local' ? 'the worker host' : hosts.join(', ');
}

/** The incident toolkit's bundle command of the host runbook, for this service. */
export function collectBundle(service: ServiceConfig): string {
  return code(`python -m toolkit incident collect --config config/services/${service.name}.yaml`);
}

/**
 * The runbook's prerequisites, shown with the plan: what to confirm before the rollback runs. The
 * target is the one the plan resolved; host services first capture the broken state (host runbook).
 */
export function prerequisitesChecklist(
  service: ServiceConfig,
  plan: { strategy: string; to: string },
): Checklist {
  const kubernetes = runbookOf(plan.strategy) === 'kubernetes';
  const channel = service.channel.startsWith('#') ? ` in ${service.channel}` : '';
  return checklist('prerequisites', 'Before rolling back', [
    item('rollback-needed', 'Confirm the issue requires a rollback (not a forward fix)'),
    item('target-version', `Confirm the target version: ${plan.to}`),
    kubernetes
      ? undefined
      : item('capture-broken-state', `Capture the broken state first (evidence): ${collectBundle(service)}`),
    item('notify', `Notify stakeholders of the planned rollback${channel}`),
    item('access', `Ensure access to ${accessTarget(service, plan.strategy)}`),
    item('dashboards', 'Have monitoring dashboards ready'),
  ]);
}

function accessTarget(service: ServiceConfig, strategy: string): string {
  if (strategy === 'kubernetes' && service.kubernetes) {
    const { context, namespace } = service.kubernetes;
    return `the cluster${context ? ` (context ${code(context)})` : ''}, namespace ${code(namespace)}`;
  }
  if (strategy === 'helm' && service.helm) {
    const { kubeContext, namespace } = service.helm;
    return `the cluster${kubeContext ? ` (context ${code(kubeContext)})` : ''}, namespace ${code(namespace)}`;
  }
  return hostNames(service);
}

/**
 * What to do once the rollback is over: the Kubernetes runbook's "Communication → After Rollback", or
 * the host runbook's "Post-Mortem Checklist" (its bundles: #1 pre-deploy, #2 post-deploy, #3 post-rollback).
 */
export function postMortemChecklist(service: ServiceConfig, strategy: string): Checklist {
  if (runbookOf(strategy) === 'kubernetes') {
    const channel = service.channel.startsWith('#') ? ` in ${service.channel}` : '';
    return checklist('after-rollback', 'After the rollback', [
      item('notify-done', `Send the completion notification${channel}`),
      item('schedule-post-mortem', 'Schedule the post-mortem'),
      item('lessons', 'Document lessons learned'),
    ]);
  }
  return checklist('post-mortem', 'Post-mortem', [
    item('diff-journal', 'Diff the journal logs between the pre-deploy (#1) and post-deploy (#2) bundles'),
    item('restart-count', `Check ${code('systemd/show.txt')} for restart count changes`),
    item('memory-fds', `Compare ${code('process/snapshot.txt')} memory/fd usage`),
    item('hardening', `Note any ${code('hardening/report.txt')} differences`),
    item('root-cause', 'Document the root cause'),
    item('ticket', 'Create a ticket for the proper fix'),
  ]);
}
