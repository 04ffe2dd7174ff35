import type { ServiceConfig } from '../config/service-schema.js';
import { prerequisitesChecklist } from './checklists.js';
import { InputError } from './errors.js';
import { guardOutline } from './guards/with-guards.js';
import { newJobId } from './new-job-id.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import type { ServiceCatalog } from './service-catalog.js';
import type { Strategy } from './strategy.js';

/**
 * Turns a request into a concrete plan, without side effects: the service from the catalog, its strategy,
 * the target the strategy resolves now ("previous" becomes a revision), the steps (guards first) and the
 * exact changes.
 */
export class RollbackPlanner {
  constructor(
    private readonly options: {
      catalog: ServiceCatalog;
      strategies: ReadonlyMap<string, Strategy>;
      now: () => Date;
    },
  ) {}

  strategyFor(service: ServiceConfig, requested?: string): Strategy {
    const name = requested ?? service.strategy;
    const strategy = this.options.strategies.get(name);
    const configured = [...this.options.strategies.values()]
      .filter((s) => s.supports(service))
      .map((s) => s.name);
    if (!strategy || !strategy.supports(service)) {
      throw new InputError(
        'unsupported_strategy',
        `Service "${service.name}" cannot be rolled back with strategy "${name}".`,
        {
          hint: configured.length
            ? `Strategies configured for ${service.name}: ${configured.join(', ')}.`
            : undefined,
        },
      );
    }
    return strategy;
  }

  /** Resolves a request into a plan without side effects. */
  async plan(request: RollbackRequest, signal?: AbortSignal): Promise<RollbackPlan> {
    const service = this.options.catalog.require(request.service);
    const strategy = this.strategyFor(service, request.strategy);
    const resolved = await strategy.resolve(service, request, signal ? { signal } : {});
    const jobId = newJobId(service.name, this.options.now());
    return {
      jobId,
      request,
      service: service.name,
      environment: service.environment,
      strategy: strategy.name,
      from: resolved.from,
      to: resolved.to,
      target: resolved.target,
      // Guards (database compatibility) run first, for every strategy, before anything changes.
      steps: [
        ...guardOutline(service),
        ...strategy.steps(service, resolved.target).map((s) => ({ id: s.id, title: s.title })),
      ],
      actions: resolved.actions,
      prerequisites: prerequisitesChecklist(service, { strategy: strategy.name, to: resolved.to }),
      createdAt: this.options.now().toISOString(),
    };
  }
}
