import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import type { ResolvedPlan } from '../../strategy.js';
import { formatCommand } from '../host/format-command.js';
import { chooseHelmRevision } from './choose-helm-revision.js';
import { helmRollbackArgv, helmStatusArgv, helmTargetLabel } from './helm-commands.js';
import { describeRevision, type HelmRevision } from './helm-history.js';
import { helmPendingTrap } from './helm-pending-trap.js';
import type { HelmTarget } from './helm-target.js';

/** The plan of `helm rollback <release> <target>` from `current`: what every Helm rollback resolves to. */
export function helmRollbackPlan(
  helm: HelmSection,
  current: HelmRevision,
  target: HelmRevision,
): ResolvedPlan {
  const resolved: HelmTarget = {
    release: helm.release,
    namespace: helm.namespace,
    revision: target.revision,
    chart: target.chart,
    appVersion: target.app_version,
    fromRevision: current.revision,
    fromChart: current.chart,
    fromAppVersion: current.app_version,
  };
  const where = helmTargetLabel(helm);
  return {
    from: describeRevision(current),
    to: describeRevision(target),
    target: { ...resolved },
    actions: [
      { target: where, description: formatCommand(helmRollbackArgv(helm, target.revision)) },
      { target: where, description: formatCommand(helmStatusArgv(helm)) },
    ],
    knownFrom: 'history',
    versions: {
      ...(current.app_version ? { from: current.app_version } : {}),
      ...(target.app_version ? { to: target.app_version } : {}),
    },
  };
}

/**
 * `--recover`: the documented recovery of a release stuck in pending-upgrade or pending-rollback
 * (helm#8987), `helm rollback` to its last good revision, planned like any rollback so that it needs the
 * same approvals and is audited the same way. Refused when the release is not stuck (nothing to recover)
 * or stuck in pending-install (the recovery is an uninstall, which the bot leaves to people).
 */
export function resolveHelmRecovery(helm: HelmSection, history: readonly HelmRevision[]): ResolvedPlan {
  const current = history[history.length - 1];
  if (current === undefined || !current.status.startsWith('pending-')) {
    throw new InputError(
      'helm_not_pending',
      `Helm release ${helm.release} is ${current ? `${current.status} (revision ${current.revision})` : 'without revisions'}, not stuck in pending-*: there is nothing to recover. Nothing was changed.`,
      { hint: 'Leave --recover out to roll back.' },
    );
  }
  const pending = helmPendingTrap(helm, history);
  if (current.status === 'pending-install') throw pending;
  let choice: { current: HelmRevision; target: HelmRevision };
  try {
    choice = chooseHelmRevision(helm.release, history, {});
  } catch {
    throw pending;
  }
  const plan = helmRollbackPlan(helm, choice.current, choice.target);
  return {
    ...plan,
    target: { ...plan.target, recovery: true },
    warnings: [
      `RECOVERY: Helm release ${helm.release} is stuck in ${current.status} (revision ${current.revision}${current.updated ? `, since ${current.updated}` : ''}). ` +
        `Make sure nobody is running helm on it right now: this rolls it back to the last good revision, ${describeRevision(choice.target)}.`,
    ],
  };
}
