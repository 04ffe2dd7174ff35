import type { ServiceConfig } from '../../../config/service-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { RollbackStep } from '../../step.js';
import { forEachHost } from '../host/for-each-host.js';
import { hostShell } from '../host/host-shell.js';
import type { FilesStepDeps } from './files-step-deps.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { createHostVerifyStep } from '../host/host-verify-step.js';
import { createUnitActionStep } from '../host/unit-action-step.js';
import { createFilesRestoreStep } from './files-restore-step.js';
import { filesSection } from './files-section.js';
import { filesTargetSchema } from './files-target.js';
import { hostFiles } from './host-files.js';

/** identify → precheck → stop → restore → start → verify, each over all of the service's hosts. */
export function filesSteps(
  deps: FilesStepDeps,
  service: ServiceConfig,
  rawTarget: Record<string, unknown>,
): RollbackStep[] {
  const files = filesSection(service);
  const target = filesTargetSchema.parse(rawTarget);
  const { hosts, parallel } = resolveHostRollout(service);
  const unit = files.unit;
  const unitOption = unit === undefined ? {} : { unit };
  const plural = (n: number) => `${n} host${n === 1 ? '' : 's'}`;
  const start = () =>
    unit === undefined ? 'start the service' : `\`${files.sudo ? 'sudo ' : ''}systemctl start ${unit}\``;
  return [
    {
      id: 'identify',
      title: 'Identify the backup',
      async run(ctx) {
        for (const host of hosts)
          await ctx.detail(`${host.name}: restore ${target.backupPath} over ${files.path}`);
        return { summary: `backup ${target.backup} → ${files.path} on ${plural(hosts.length)}` };
      },
    },
    {
      id: 'precheck',
      title: 'Check the backup on every host',
      async run(ctx) {
        await forEachHost(
          hosts,
          parallel,
          async (host) => {
            const fs = hostFiles(hostShell(deps, host, ctx.signal), files.sudo, deps.localFiles);
            if (!(await fs.isDirectory(target.backupPath))) {
              throw new PermanentError(
                'backup_missing',
                `backup ${target.backupPath} does not exist on ${fs.host}; nothing was changed`,
                {
                  hint: `Copy the backup to ${fs.host} or remove the host from hosts:, then retry.`,
                },
              );
            }
            await ctx.detail(`${fs.host}: backup ${target.backup} present`);
          },
          ctx.signal,
        );
        return { summary: `backup present on ${plural(hosts.length)}` };
      },
    },
    createUnitActionStep({
      id: 'stop',
      title: `Stop ${unit ?? 'the service'}`,
      action: 'stop',
      ...unitOption,
      sudo: files.sudo,
      hosts,
      parallel,
      deps,
      describeFailure: ({ host, completedHosts }) => ({
        situation:
          `Files not restored on any host.` +
          (completedHosts.length > 0 ? ` ${unit} is already stopped on ${completedHosts.join(', ')}.` : ''),
        hint:
          `Check \`systemctl status ${unit} --no-pager\` on ${host}.` +
          (completedHosts.length > 0
            ? ` Start it again on ${completedHosts.join(', ')} with ${start()}, or fix ${host} and retry the rollback.`
            : ' Then retry the rollback.'),
      }),
    }),
    createFilesRestoreStep({ files, target, hosts, parallel, deps }),
    createUnitActionStep({
      id: 'start',
      title: `Start ${unit ?? 'the service'}`,
      action: 'start',
      ...unitOption,
      sudo: files.sudo,
      hosts,
      parallel,
      deps,
      describeFailure: ({ host, completedHosts }) => ({
        situation:
          `Backup ${target.backup} is restored on every host, but ${unit} did not start on ${host}` +
          (completedHosts.length > 0 ? ` (started on ${completedHosts.join(', ')}).` : '.'),
        hint:
          `Read \`journalctl -u ${unit} -n 50 --no-pager\` on ${host}. To undo, copy the saved files back ` +
          `(\`cp -a ${files.backupDir}/.pre-rollback-<job id>/. ${files.path}/\`, see the restore step) and ${start()}.`,
      }),
    }),
    createHostVerifyStep({
      ...unitOption,
      sudo: files.sudo,
      hosts,
      parallel,
      deps,
      situation: `Backup ${target.backup} is restored and the service started on every host.`,
    }),
  ];
}
