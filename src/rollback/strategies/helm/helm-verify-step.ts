import { z } from 'zod';
import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import { runChecked } from '../host/run-checked.js';
import { HELM_READ_TIMEOUT_MS, helmStatusArgv } from './helm-commands.js';
import { HELM_ROLLBACK_MEMORY_KEY, helmRollbackMemorySchema } from './helm-target.js';

const statusSchema = z.object({
  version: z.number().int(),
  info: z.object({ status: z.string(), description: z.string().optional() }),
});

/** `helm status -o json`: the release must be `deployed` at the revision the rollback created. */
export function helmVerifyStep(helm: HelmSection, runner: CommandRunner): RollbackStep {
  return {
    id: 'verify',
    title: 'Verify the release is deployed',
    async run(ctx) {
      const result = await runChecked(runner, runner.host, {
        argv: helmStatusArgv(helm),
        timeoutMs: HELM_READ_TIMEOUT_MS,
        signal: ctx.signal,
        what: `read the status of Helm release ${helm.release}`,
        hint: `The rollback ran; only the check failed. Run \`helm status ${helm.release} -n ${helm.namespace}\` yourself.`,
      });
      let status: z.output<typeof statusSchema>;
      try {
        status = statusSchema.parse(JSON.parse(result.stdout));
      } catch (error) {
        throw new PermanentError('helm_bad_output', '`helm status -o json` printed something unexpected.', {
          cause: error,
          details: [result.stdout.slice(0, 500)],
        });
      }
      const memory = await ctx.memory.get(HELM_ROLLBACK_MEMORY_KEY, helmRollbackMemorySchema);
      const hint = `Run \`helm history ${helm.release} -n ${helm.namespace}\` and \`kubectl get pods -n ${helm.namespace}\`; fix forward or roll back to another revision.`;
      if (status.info.status !== 'deployed') {
        throw new PermanentError(
          'helm_not_deployed',
          `Helm release ${helm.release} is ${status.info.status} at revision ${status.version}.`,
          { hint },
        );
      }
      if (memory !== undefined && status.version !== memory.newRevision) {
        throw new PermanentError(
          'helm_release_changed',
          `Helm release ${helm.release} is at revision ${status.version}, expected ${memory.newRevision} (the rollback).`,
          {
            hint: `Someone changed the release after the rollback. ${hint}`,
          },
        );
      }
      return { summary: `deployed at revision ${status.version}` };
    },
  };
}
