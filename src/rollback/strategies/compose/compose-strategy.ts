import type { ServiceConfig } from '../../../config/service-schema.js';
import type { ComposeSection } from '../../../config/strategies/compose-schema.js';
import type { Logger } from '../../../observability/logger.js';
import { InputError } from '../../../errors/rollback-error.js';
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
import { chooseComposeTag, knownTags, type ComposeHostState } from './choose-compose-tag.js';
import { composeChangeCommands } from './compose-commands.js';
import { parseComposeTarget } from './compose-target.js';
import { composeTool } from './compose-tool.js';
import { readLocalTags, readRunningTag } from './read-compose.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';

export interface ComposeStrategyOptions {
  runnerFactory: CommandRunnerFactory;
  log: Logger;
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks;
}

/** Runs a Docker Compose service with an earlier image tag on each host (host runbook, Option C). */
export class ComposeStrategy implements Strategy {
  readonly name = 'compose';

  constructor(private readonly options: ComposeStrategyOptions) {}

  supports(service: ServiceConfig): boolean {
    return service.compose !== undefined;
  }

  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const compose = this.section(service);
    const hosts = await this.readHosts(service, compose, options.signal);
    return knownTags(compose.tags, hosts).map((tag) => {
      const runningOn = hosts.filter((h) => h.running === tag).map((h) => h.host);
      const source = compose.tags.includes(tag)
        ? 'configured'
        : `present on ${hosts
            .filter((h) => h.local.includes(tag))
            .map((h) => h.host)
            .join(', ')}`;
      return {
        id: tag,
        description: `${compose.image}:${tag} (${source}${runningOn.length ? `; running on ${runningOn.join(', ')}` : ''})`,
        ...(runningOn.length === hosts.length ? { current: true } : {}),
      };
    });
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const compose = this.section(service);
    if (request.toRevision !== undefined)
      throw new InputError('bad_version', 'compose rollbacks take an image tag, not a revision number.');
    const hosts = await this.readHosts(service, compose, options.signal);
    const tag = chooseComposeTag(compose.image, compose.tags, hosts, request.version);
    const actions: PlannedAction[] = [];
    for (const h of hosts) {
      if (h.running === tag) continue;
      for (const c of composeChangeCommands(compose, tag)) {
        const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`);
        actions.push({ target: h.host, description: formatCommand([...env, ...c.argv]) });
      }
      actions.push(...unitActions(h.host, compose.unit, false, false));
    }
    const running = hosts.map((h) => ({ host: h.host, installed: h.running }));
    return {
      from: `${compose.image}:${describeInstalled(running)}`,
      to: `${compose.image}:${tag}`,
      versions: { ...versionFrom(running), to: tag },
      target: { image: compose.image, tag, hosts: hosts.map((h) => ({ host: h.host, from: h.running })) },
      actions,
    };
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    const compose = this.section(service);
    const parsed = parseComposeTarget(target);
    const rollout = resolveHostRollout(service);
    const { runnerFactory } = this.options;
    return [
      ...hostChangeSteps({
        tool: composeTool(compose, parsed.tag),
        rollout,
        targets: parsed.hosts,
        runnerFactory,
      }),
      ...hostFinishSteps({
        unit: compose.unit,
        sudo: false,
        restart: false,
        rollout,
        runnerFactory,
        monitoring: this.options.monitoring,
        situation: `${compose.image}:${parsed.tag} runs on the hosts the change step reached.`,
      }),
    ];
  }

  private async readHosts(
    service: ServiceConfig,
    compose: ComposeSection,
    signal?: AbortSignal,
  ): Promise<ComposeHostState[]> {
    const states: ComposeHostState[] = [];
    for (const host of resolveHostRollout(service).hosts) {
      const runner = this.options.runnerFactory(host);
      states.push({
        host: host.name,
        running: await readRunningTag(runner, host.name, compose, signal),
        local: await readLocalTags(runner, host.name, compose, signal),
      });
    }
    return states;
  }

  private section(service: ServiceConfig): ComposeSection {
    return strategySection(service, 'compose');
  }
}
