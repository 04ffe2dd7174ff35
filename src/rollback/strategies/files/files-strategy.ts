import type { ServiceConfig } from '../../../config/service-schema.js';
import { InputError, PermanentError } from '../../../errors/rollback-error.js';
import type { RollbackRequest } from '../../plan.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import { formatCommand } from '../host/format-command.js';
import { hostShell } from '../host/host-shell.js';
import type { FilesStepDeps } from './files-step-deps.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { parseRequestedVersion } from '../host/parse-requested-version.js';
import { systemctlActionArgv } from '../host/systemctl-argv.js';
import { filesSection } from './files-section.js';
import { filesSteps } from './files-steps.js';
import type { FilesTarget } from './files-target.js';
import { hostFiles, type Backup, type HostFiles } from './host-files.js';

/**
 * Runbook option B: stop the service, copy a backup (a subdirectory of backupDir) over the service's
 * files, start it again, on each of the service's hosts. Backups are listed from the first host.
 */
export class FilesStrategy implements Strategy {
  readonly name = 'files';

  constructor(private readonly deps: FilesStepDeps) {}

  supports(service: ServiceConfig): boolean {
    return service.files !== undefined;
  }

  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const { backups } = await this.backups(service, options);
    return backups.map((backup) => ({
      id: backup.name,
      description: `backup ${backup.name}, saved ${new Date(backup.mtimeMs).toISOString()}`,
    }));
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const requested = parseRequestedVersion(request.version);
    const files = filesSection(service);
    const { backups, host } = await this.backups(service, options);
    const backup = requested === undefined ? backups[0] : backups.find((b) => b.name === requested);
    if (backup === undefined) {
      const available = backups.slice(0, 15).map((b) => b.name);
      throw new InputError(
        requested === undefined ? 'no_backups' : 'backup_not_found',
        requested === undefined
          ? `there are no backups in ${files.backupDir} on ${host}`
          : `there is no backup "${requested}" in ${files.backupDir} on ${host}`,
        {
          hint:
            available.length > 0
              ? `Available backups, newest first: ${available.join(', ')}.`
              : 'Make a backup first; there is nothing to restore.',
          details: available,
        },
      );
    }
    const target: FilesTarget = { backup: backup.name, backupPath: `${files.backupDir}/${backup.name}` };
    const { hosts } = resolveHostRollout(service);
    const unitAction = (action: 'stop' | 'start') =>
      files.unit === undefined ? [] : [formatCommand(systemctlActionArgv(action, files.unit, files.sudo))];
    return {
      from: `the current files in ${files.path}`,
      to: `backup ${backup.name}`,
      target: { ...target },
      actions: hosts.flatMap((h) =>
        [
          ...unitAction('stop'),
          `save ${files.path} to ${files.backupDir}/.pre-rollback-<job>`,
          `cp -a -- ${target.backupPath}/. ${files.path}/`,
          ...unitAction('start'),
        ].map((description) => ({ target: h.name, description })),
      ),
    };
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    return filesSteps(this.deps, service, target);
  }

  private async backups(
    service: ServiceConfig,
    options: StrategyCallOptions,
  ): Promise<{ backups: Backup[]; host: string }> {
    const files = filesSection(service);
    const first = resolveHostRollout(service).hosts[0] ?? { name: 'local' };
    const fs: HostFiles = hostFiles(
      hostShell(this.deps, first, options.signal),
      files.sudo,
      this.deps.localFiles,
    );
    if (!(await fs.isDirectory(files.backupDir))) {
      throw new PermanentError(
        'backup_dir_missing',
        `backup directory ${files.backupDir} does not exist on ${fs.host}`,
        {
          hint: 'Check files.backupDir in the service YAML.',
        },
      );
    }
    return { backups: await fs.listBackups(files.backupDir), host: fs.host };
  }
}
