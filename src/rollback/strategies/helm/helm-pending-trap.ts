import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import { formatCommand } from '../host/format-command.js';
import { suggestCommand } from '../../../errors/suggested-command.js';
import { describeRevision, GOOD_STATUSES, type HelmRevision } from './helm-history.js';

/**
 * A release whose latest revision is pending-install, pending-upgrade or pending-rollback: either a helm
 * operation is running right now, or one was interrupted and left the release stuck (helm#8987: every
 * later upgrade fails with "another operation (install/upgrade/rollback) is in progress"). The bot cannot
 * tell which, so it refuses before anything changes and says what the documented recovery is.
 */
export function helmPendingTrap(
  helm: HelmSection,
  history: readonly HelmRevision[],
  service?: string,
): InputError | undefined {
  const current = history[history.length - 1];
  if (current === undefined || !current.status.startsWith('pending-')) return undefined;
  const flags = ['-n', helm.namespace, ...(helm.kubeContext ? ['--kube-context', helm.kubeContext] : [])];
  const lastGood = [...history].reverse().find((r) => GOOD_STATUSES.has(r.status));
  const recovery =
    current.status === 'pending-install' || lastGood === undefined
      ? `there is no good revision to go back to: the documented recovery is ${formatCommand(['helm', 'uninstall', helm.release, ...flags])} and a fresh install.`
      : `the documented recovery is to roll back to the last good revision, ${describeRevision(lastGood)}: ${formatCommand(['helm', 'rollback', helm.release, String(lastGood.revision), ...flags])}${service ? `; the bot runs it, with the approvals of a rollback, on /rollback ${service} --recover` : ''}.`;
  return new InputError(
    'helm_operation_pending',
    `Helm release ${helm.release} is in ${current.status} (revision ${current.revision}${current.updated ? `, since ${current.updated}` : ''}${current.description ? `: ${current.description}` : ''}). ` +
      'Either a helm operation is running right now or one was interrupted and left it stuck. Nothing was changed.',
    {
      ...(service && lastGood && current.status !== 'pending-install'
        ? { next: [suggestCommand('rollback', service, '--recover')] }
        : {}),
      hint: `First make sure nobody is running helm on it (${formatCommand(['helm', 'history', helm.release, ...flags])}). If it is stuck, ${recovery}`,
    },
  );
}
