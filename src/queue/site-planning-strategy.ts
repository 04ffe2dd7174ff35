import { siteOfService, type ServiceConfig } from '../config/service-schema.js';
import type { RollbackRequest } from '../rollback/plan.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../rollback/strategy.js';
import type { SitePlanner } from './site-planner.js';

/**
 * A strategy whose reads of the target (resolving a plan, listing versions) are made by a worker of the
 * service's site when `delegates(site)` says so, and here otherwise. What needs no target (whether it
 * supports a service, the steps of a resolved plan) stays local. The domain sees a plain Strategy.
 */
export class SitePlanningStrategy implements Strategy {
  readonly name: string;

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

  steps(service: ServiceConfig, target: Record<string, unknown>) {
    return this.local.steps(service, target);
  }

  listVersions(service: ServiceConfig, options?: StrategyCallOptions): Promise<VersionEntry[]> {
    const site = siteOfService(service);
    if (!this.delegates(site)) return this.local.listVersions(service, options);
    return this.planner.versions(site, { service: service.name, strategy: this.name });
  }

  resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options?: StrategyCallOptions,
  ): Promise<ResolvedPlan> {
    const site = siteOfService(service);
    if (!this.delegates(site)) return this.local.resolve(service, request, options);
    return this.planner.resolve(site, { service: service.name, strategy: this.name, request });
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
