import type { ServiceConfig } from '../../../config/service-schema.js';
import type { YumSection } from '../../../config/strategies/yum-schema.js';
import type { Logger } from '../../../observability/logger.js';
import type { PlannedAction, RollbackRequest } from '../../plan.js';
import type { CommandRunnerFactory } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import { strategySection } from '../strategy-section.js';
import { formatCommand } from '../host/format-command.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { describeInstalled, versionFrom } from '../host/choose-package-version.js';
import { hostChangeSteps } from '../host/host-change-steps.js';
import { hostFinishSteps } from '../host/host-finish-steps.js';
import { unitActions } from '../host/unit-actions.js';
import { chooseYumTarget, type YumHostState } from './choose-yum-target.js';
import { readYumHistory, readYumList } from './read-yum.js';
import { describeTransaction, isUndoable } from './yum-output.js';
import { parseYumTarget } from './yum-target.js';
import { yumChangeArgv, yumTool } from './yum-tool.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';

export interface YumStrategyOptions {
  runnerFactory: CommandRunnerFactory;
  log: Logger;
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks;
}

/** Undoes a yum transaction, or downgrades an RPM package, on each host (host runbook, Option A). */
export class YumStrategy implements Strategy {
  readonly name = 'yum';

  constructor(private readonly options: YumStrategyOptions) {}

  supports(service: ServiceConfig): boolean {
    return service.yum !== undefined;
  }

  /** The package's transactions on the first host, newest first. */
  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const yum = this.section(service);
    const host = resolveHostRollout(service).hosts[0] ?? { name: 'local' };
    const history = await readYumHistory(this.options.runnerFactory(host), host.name, yum, options.signal);
    return history.map((t, index) => ({
      id: `transaction:${t.id}`,
      description: `${describeTransaction(t)} on ${host.name}${isUndoable(t) ? '' : ' (cannot be undone to an earlier version)'}`,
      ...(index === 0 ? { current: true } : {}),
    }));
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const yum = this.section(service);
    const states: YumHostState[] = [];
    for (const host of resolveHostRollout(service).hosts) {
      const runner = this.options.runnerFactory(host);
      const list = await readYumList(runner, host.name, yum, options.signal);
      const history = await readYumHistory(runner, host.name, yum, options.signal);
      states.push({ host: host.name, ...list, history });
    }
    const target = chooseYumTarget(yum, states, request);
    const actions: PlannedAction[] = [];
    for (const h of target.hosts) {
      if (target.mode === 'downgrade' && h.from === target.version) continue;
      actions.push({ target: h.host, description: formatCommand(yumChangeArgv(yum, target, h)) });
      actions.push(...unitActions(h.host, yum.unit, yum.sudo, yum.restart));
    }
    const to =
      target.mode === 'downgrade'
        ? `${yum.package} ${target.version}`
        : `${yum.package} before ${target.hosts.map((h) => `transaction ${h.transaction}${target.hosts.length > 1 ? ` (${h.host})` : ''}`).join(', ')}`;
    return {
      from: `${yum.package} ${describeInstalled(states)}`,
      to,
      target: { ...target },
      actions,
      ...(target.mode === 'downgrade' ? { versions: { ...versionFrom(states), to: target.version } } : {}),
    };
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    const yum = this.section(service);
    const parsed = parseYumTarget(target);
    const rollout = resolveHostRollout(service);
    const { runnerFactory } = this.options;
    return [
      ...hostChangeSteps({ tool: yumTool(yum, parsed), rollout, targets: parsed.hosts, runnerFactory }),
      ...hostFinishSteps({
        unit: yum.unit,
        sudo: yum.sudo,
        restart: yum.restart,
        rollout,
        runnerFactory,
        monitoring: this.options.monitoring,
        situation: `${yum.package} is rolled back on the hosts the change step reached.`,
      }),
    ];
  }

  private section(service: ServiceConfig): YumSection {
    return strategySection(service, 'yum');
  }
}
