import type { ServiceConfig } from '../../../config/service-schema.js';
import type { HelmSection } from '../../../config/strategies/helm-schema.js';
import type { Logger } from '../../../observability/logger.js';
import type { RollbackRequest } from '../../plan.js';
import type { CommandRunner, CommandRunnerFactory } from '../../ports/command-runner.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import { strategySection } from '../strategy-section.js';
import { createHostVerifyStep } from '../host/host-verify-step.js';
import { chooseHelmRevision } from './choose-helm-revision.js';
import { describeRevision, GOOD_STATUSES, readHelmHistory } from './helm-history.js';
import { helmPendingTrap } from './helm-pending-trap.js';
import { helmRollbackPlan, resolveHelmRecovery } from './helm-recovery.js';
import { helmSteps } from './helm-steps.js';
import { parseHelmTarget } from './helm-target.js';

export interface HelmStrategyOptions {
  runnerFactory: CommandRunnerFactory;
  log: Logger;
}

/** Rolls a Helm release back to an earlier revision (Kubernetes runbook, Option C). Helm runs on the worker. */
export class HelmStrategy implements Strategy {
  readonly name = 'helm';

  constructor(private readonly options: HelmStrategyOptions) {}

  supports(service: ServiceConfig): boolean {
    return service.helm !== undefined;
  }

  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const helm = this.section(service);
    const history = await readHelmHistory(this.runner(), helm, options.signal);
    const current = history[history.length - 1];
    return [...history].reverse().map((r) => ({
      id: `revision:${r.revision}`,
      ...(r.app_version ? { version: r.app_version } : {}),
      ...(GOOD_STATUSES.has(r.status) ? { ran: true } : {}),
      description: `${describeRevision(r)}${r.updated ? `, ${r.updated}` : ''}${GOOD_STATUSES.has(r.status) ? '' : ' (cannot roll back to it)'}`,
      ...(r === current ? { current: true } : {}),
    }));
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const helm = this.section(service);
    const history = await readHelmHistory(this.runner(), helm, options.signal);
    if (request.recover) return resolveHelmRecovery(helm, history);
    const pending = helmPendingTrap(helm, history, service.name);
    if (pending) throw pending;
    const { current, target } = chooseHelmRevision(helm.release, history, request);
    return helmRollbackPlan(helm, current, target);
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    const helm = this.section(service);
    const checks = createHostVerifyStep({
      id: 'verify-service',
      title: 'Check health and smoke test',
      hosts: [{ name: 'local' }],
      parallel: 1,
      deps: { runners: this.options.runnerFactory },
      situation: `Helm release ${helm.release} is rolled back.`,
    });
    const { healthUrl, smoke } = service.verify;
    const configured = healthUrl !== undefined || smoke !== undefined;
    return [...helmSteps(helm, parseHelmTarget(target), this.runner()), ...(configured ? [checks] : [])];
  }

  private runner(): CommandRunner {
    return this.options.runnerFactory({ name: 'local' });
  }

  private section(service: ServiceConfig): HelmSection {
    return strategySection(service, 'helm');
  }
}
