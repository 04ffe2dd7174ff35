import type { ServiceConfig } from '../../../config/service-schema.js';
import type { AptSection } from '../../../config/strategies/apt-schema.js';
import type { Logger } from '../../../observability/logger.js';
import { InputError } from '../../../errors/rollback-error.js';
import type { PlannedAction, RollbackRequest } from '../../plan.js';
import type { CommandRunnerFactory } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import { readAptPolicy } from './apt-policy.js';
import { parseAptTarget, type AptTarget } from './apt-target.js';
import { aptInstallArgv, aptTool } from './apt-tool.js';
import {
  choosePackageVersion,
  describeInstalled,
  versionFrom,
  type HostVersions,
} from '../host/choose-package-version.js';
import { strategySection } from '../strategy-section.js';
import { formatCommand } from '../host/format-command.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { hostChangeSteps } from '../host/host-change-steps.js';
import { hostFinishSteps } from '../host/host-finish-steps.js';
import { unitActions } from '../host/unit-actions.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';

export interface AptStrategyOptions {
  runnerFactory: CommandRunnerFactory;
  log: Logger;
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks;
}

/** Downgrades a Debian package on each host with apt-get (host runbook, Option A). */
export class AptStrategy implements Strategy {
  readonly name = 'apt';

  constructor(private readonly options: AptStrategyOptions) {}

  supports(service: ServiceConfig): boolean {
    return service.apt !== undefined;
  }

  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const apt = this.section(service);
    const hosts = await this.readHosts(service, apt, options.signal);
    const first = hosts[0] as HostVersions;
    return first.versions.map((version) => {
      const installedOn = hosts.filter((h) => h.installed === version).map((h) => h.host);
      const missingOn = hosts.filter((h) => !h.versions.includes(version)).map((h) => h.host);
      const notes = [
        ...(installedOn.length ? [`installed on ${installedOn.join(', ')}`] : []),
        ...(missingOn.length ? [`not available on ${missingOn.join(', ')}`] : []),
      ];
      return {
        id: version,
        description: `${apt.package} ${version}${notes.length ? ` (${notes.join('; ')})` : ''}`,
        ...(installedOn.length === hosts.length ? { current: true } : {}),
      };
    });
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const apt = this.section(service);
    if (request.toRevision !== undefined) {
      throw new InputError('bad_version', 'apt rollbacks take a package version, not a revision number.');
    }
    const hosts = await this.readHosts(service, apt, options.signal);
    const version = choosePackageVersion(apt.package, hosts, request.version);
    const target: AptTarget = {
      package: apt.package,
      version,
      hosts: hosts.map((h) => ({ host: h.host, from: h.installed })),
    };
    const actions: PlannedAction[] = [];
    for (const h of hosts) {
      if (h.installed === version) continue;
      actions.push({ target: h.host, description: formatCommand(aptInstallArgv(apt, version)) });
      actions.push(...unitActions(h.host, apt.unit, apt.sudo, apt.restart));
    }
    return {
      from: `${apt.package} ${describeInstalled(hosts)}`,
      to: `${apt.package} ${version}`,
      target: { ...target },
      actions,
      versions: { ...versionFrom(hosts), to: version },
    };
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    const apt = this.section(service);
    const parsed = parseAptTarget(target);
    const rollout = resolveHostRollout(service);
    const { runnerFactory } = this.options;
    return [
      ...hostChangeSteps({
        tool: aptTool(apt, parsed.version),
        rollout,
        targets: parsed.hosts.map((h) => ({ ...h, version: parsed.version })),
        runnerFactory,
      }),
      ...hostFinishSteps({
        unit: apt.unit,
        sudo: apt.sudo,
        restart: apt.restart,
        rollout,
        runnerFactory,
        monitoring: this.options.monitoring,
        situation: `${apt.package} ${parsed.version} is installed on the hosts the change step reached.`,
      }),
    ];
  }

  private async readHosts(
    service: ServiceConfig,
    apt: AptSection,
    signal?: AbortSignal,
  ): Promise<HostVersions[]> {
    const result: HostVersions[] = [];
    for (const host of resolveHostRollout(service).hosts) {
      const policy = await readAptPolicy(this.options.runnerFactory(host), host.name, apt, signal);
      result.push({ host: host.name, installed: policy.installed ?? null, versions: policy.versions });
    }
    return result;
  }

  private section(service: ServiceConfig): AptSection {
    return strategySection(service, 'apt');
  }
}
