import { siteOfService, type ServiceConfig } from '../config/service-schema.js';
import { PermanentError } from '../errors/rollback-error.js';
import type { RollbackStep } from '../rollback/step.js';
import type { RollbackRequest } from '../rollback/plan.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../rollback/strategy.js';
import type { SitePlanner } from './site-planner.js';

/**
 * A strategy whose reads of the target (resolving a plan, listing versions) are made by a worker of the
 * service's site when `delegates(site)` says so, and here otherwise. The plan's steps, as a plan lists
 * them, come with the worker's answer (building them here could need the target's client); whether it
 * supports a service stays local. The domain sees a plain Strategy.
 */
export class SitePlanningStrategy implements Strategy {
  readonly name: string;
  /** The worker's step outline of each target it resolved (the planner asks with the same object). */
  private readonly outlines = new WeakMap<Record<string, unknown>, { id: string; title: string }[]>();

  constructor(
    private readonly local: Strategy,
    private readonly planner: SitePlanner,
    private readonly delegates: (site: string) => boolean,
  ) {
    this.name = local.name;
  }

  supports(service: ServiceConfig): boolean {
    return this.local.supports(service);
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    if (!this.delegates(siteOfService(service))) return this.local.steps(service, target);
    const outline = this.outlines.get(target);
    if (!outline) {
      throw new PermanentError(
        'strategy_unavailable',
        `steps of ${service.name} are built by the workers of site ${siteOfService(service)}`,
      );
    }
    // For the plan's outline only: this process never runs a rollback of a site it plans remotely.
    return outline.map(({ id, title }) => ({
      id,
      title,
      run: () => Promise.reject(new PermanentError('strategy_unavailable', `step ${id} runs on a worker`)),
    }));
  }

  listVersions(service: ServiceConfig, options?: StrategyCallOptions): Promise<VersionEntry[]> {
    const site = siteOfService(service);
    if (!this.delegates(site)) return this.local.listVersions(service, options);
    return this.planner.versions(site, { service: service.name, strategy: this.name });
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options?: StrategyCallOptions,
  ): Promise<ResolvedPlan> {
    const site = siteOfService(service);
    if (!this.delegates(site)) return this.local.resolve(service, request, options);
    const { resolved, steps } = await this.planner.resolve(site, {
      service: service.name,
      strategy: this.name,
      request,
    });
    this.outlines.set(resolved.target, steps);
    return resolved;
  }
}

/** Every strategy of the map, planning on the site's workers where `delegates` says so. */
export function planOnSites(
  strategies: ReadonlyMap<string, Strategy>,
  planner: SitePlanner,
  delegates: (site: string) => boolean,
): Map<string, Strategy> {
  return new Map(
    [...strategies].map(([name, strategy]) => [name, new SitePlanningStrategy(strategy, planner, delegates)]),
  );
}
