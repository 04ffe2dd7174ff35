import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import { runChecked } from '../host/run-checked.js';
import { helmRollbackArgv } from './helm-commands.js';
import { describeRevision, readHelmHistory, type HelmRevision } from './helm-history.js';
import {
  HELM_ROLLBACK_MEMORY_KEY,
  helmRollbackMemorySchema,
  type HelmRollbackMemory,
  type HelmTarget,
} from './helm-target.js';

/**
 * `helm rollback <release> <revision> --wait --timeout <t>`, once: a resumed job finds the rollback in its
 * memory or in the history (a newer revision "Rollback to N") and does not roll back again.
 */
export function helmRollbackStep(helm: HelmSection, target: HelmTarget, runner: CommandRunner): RollbackStep {
  return {
    id: 'rollback',
    title: `Roll back Helm release ${helm.release} to revision ${target.revision}`,
    // A cancel never aborts the change half-way: the step finishes and no further step runs.
    interruptible: false,
    async run(ctx) {
      const remembered = await ctx.memory.get(HELM_ROLLBACK_MEMORY_KEY, helmRollbackMemorySchema);
      const before = await readHelmHistory(runner, helm, ctx.signal);
      const already = findOurRollback(before, target, remembered);
      if (already !== undefined) {
        await ctx.memory.set(HELM_ROLLBACK_MEMORY_KEY, {
          revision: target.revision,
          newRevision: already.revision,
          at: remembered?.at ?? ctx.now().toISOString(),
        });
        await ctx.detail(
          `Already rolled back: ${describeRevision(already)} is "${already.description}"; not rolling back again.`,
        );
        return {
          skipped: true,
          summary: `already at revision ${already.revision} (rollback to ${target.revision})`,
        };
      }
      const argv = helmRollbackArgv(helm, target.revision);
      await runChecked(runner, runner.host, {
        argv,
        timeoutMs: (helm.timeout + 60) * 1000,
        signal: ctx.signal,
        what: `roll back Helm release ${helm.release} to revision ${target.revision}`,
        code: 'helm_rollback_failed',
        hint:
          `Helm may have recorded a failed or pending revision. Run \`helm history ${helm.release} -n ${helm.namespace}\` and ` +
          `\`kubectl get pods -n ${helm.namespace}\`; then retry the rollback, roll back to another revision, or fix forward.`,
      });
      const after = await readHelmHistory(runner, helm, ctx.signal);
      const latest = after[after.length - 1] as HelmRevision;
      const memory: HelmRollbackMemory = {
        revision: target.revision,
        newRevision: latest.revision,
        at: ctx.now().toISOString(),
      };
      await ctx.memory.set(HELM_ROLLBACK_MEMORY_KEY, memory);
      await ctx.detail(`helm rollback done: ${describeRevision(latest)}.`);
      return { summary: `rolled back to revision ${target.revision} (now revision ${latest.revision})` };
    },
  };
}

/** A deployed revision newer than the plan's current one that is this rollback ("Rollback to N"). */
function findOurRollback(
  history: readonly HelmRevision[],
  target: HelmTarget,
  remembered: HelmRollbackMemory | undefined,
): HelmRevision | undefined {
  if (remembered !== undefined) {
    const known = history.find((r) => r.revision === remembered.newRevision);
    if (known !== undefined) return known;
  }
  return history.find(
    (r) =>
      r.revision > target.fromRevision &&
      r.status === 'deployed' &&
      r.description === `Rollback to ${target.revision}`,
  );
}
