import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import { formatCommand } from '../host/format-command.js';
import { describeRevision, readHelmHistory, type HelmRevision } from './helm-history.js';
import { HELM_ROLLBACK_MEMORY_KEY, helmRollbackMemorySchema, type HelmTarget } from './helm-target.js';
import { helmRollbackStep } from './helm-rollback-step.js';
import { helmVerifyStep } from './helm-verify-step.js';

/** identify, precheck, rollback, verify: the Kubernetes runbook's Option C. */
export function helmSteps(helm: HelmSection, target: HelmTarget, runner: CommandRunner): RollbackStep[] {
  return [
    {
      id: 'identify',
      title: 'Identify current and target revisions',
      async run(ctx) {
        const history = await readHelmHistory(runner, helm, ctx.signal);
        const current = history[history.length - 1] as HelmRevision;
        const wanted = findRevision(history, target.revision, helm);
        await ctx.detail(`Current: ${describeRevision(current)}. Target: ${describeRevision(wanted)}.`);
        return { summary: `revision ${current.revision} → ${target.revision}` };
      },
    },
    {
      id: 'precheck',
      title: 'Check that no other Helm operation is running',
      async run(ctx) {
        const done = await ctx.memory.get(HELM_ROLLBACK_MEMORY_KEY, helmRollbackMemorySchema);
        const history = await readHelmHistory(runner, helm, ctx.signal);
        const latest = history[history.length - 1] as HelmRevision;
        findRevision(history, target.revision, helm);
        const recovering = target.recovery === true && latest.revision === target.fromRevision;
        if (latest.status.startsWith('pending-') && !recovering) {
          throw new PermanentError(
            'helm_operation_pending',
            `Helm release ${helm.release} is in ${latest.status} (revision ${latest.revision}).`,
            {
              hint: `Another helm operation is running or was interrupted. Look at \`helm history ${helm.release} -n ${helm.namespace}\`; wait for it to finish, then start the rollback again.`,
            },
          );
        }
        const ours = done !== undefined || latest.description === `Rollback to ${target.revision}`;
        if (latest.revision !== target.fromRevision && !ours) {
          throw new PermanentError(
            'helm_release_changed',
            `Helm release ${helm.release} changed since the plan: now at ${describeRevision(latest)}, planned from revision ${target.fromRevision}.`,
            {
              hint: 'Nothing was rolled back. Look at the history and ask for the rollback again if it is still needed.',
            },
          );
        }
        if (recovering)
          await ctx.detail(
            `Recovery: revision ${latest.revision} is still ${latest.status}, as planned; rolling back from it.`,
          );
        return {
          summary: recovering ? `${latest.status}: recovering` : `${latest.status}, no operation in progress`,
        };
      },
    },
    helmRollbackStep(helm, target, runner),
    helmVerifyStep(helm, runner),
  ];
}

export function findRevision(
  history: readonly HelmRevision[],
  revision: number,
  helm: HelmSection,
): HelmRevision {
  const found = history.find((r) => r.revision === revision);
  if (found === undefined) {
    throw new PermanentError(
      'helm_revision_gone',
      `Revision ${revision} of ${helm.release} is no longer in the Helm history.`,
      {
        hint: `Nothing was changed. Helm keeps a limited history (--history-max); pick another revision from \`${formatCommand(['helm', 'history', helm.release, '-n', helm.namespace])}\`.`,
      },
    );
  }
  return found;
}
