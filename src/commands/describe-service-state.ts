import type { ServiceState } from '../rollback/service-state.js';
import { suggestCommand, type SuggestedCommand } from '../errors/suggested-command.js';

/**
 * `/rollback status <service>` as plain sentences for any surface: whether the service is marked rolled
 * back (deploys should wait) and which rollback, if any, holds it now; and the command that releases it.
 */
export function describeServiceState(state: ServiceState): { text: string; next?: SuggestedCommand[] } {
  const { service, rolledBack, active } = state;
  const lines = [`${service.name} (${service.environment})`];
  if (rolledBack) {
    lines.push(
      `🔒 Marked rolled back: ${rolledBack.by.name} rolled it back to ${rolledBack.to} at ${rolledBack.at} (job ${rolledBack.jobId}).`,
      'Deploy pipelines should not deploy over it until someone releases it, with a reason.',
    );
  } else {
    lines.push('Not marked rolled back: deploys may go ahead.');
  }
  if (state.gitopsHold) {
    const hold = state.gitopsHold;
    lines.push(
      `⏸️ GitOps paused: ${hold.description} is held by job ${hold.jobId} since ${hold.at}; /rollback release restores it.`,
    );
    const revert = hold.revert;
    if (revert && revert.commits.length > 0) {
      const commits = revert.commits.map((c) => `${c.short} "${c.subject}"`).join('; ');
      lines.push(
        `↩️ Revert these commits in Git, or the controller puts the bad version back when the hold ends: ${commits}` +
          (revert.pullRequest ? `. Revert pull request: ${revert.pullRequest}` : '.'),
      );
    }
  }
  if (active) {
    const state = active.state === 'awaiting_approval' ? 'waiting for approval' : active.state;
    lines.push(
      `Active rollback: job ${active.jobId} by ${active.requester.name} to ${active.to} (${state}).`,
    );
  } else {
    lines.push('No rollback in progress.');
  }
  const text = lines.join('\n');
  return rolledBack
    ? { text, next: [suggestCommand('release', service.name, '--reason', 'the cause is fixed')] }
    : { text };
}
