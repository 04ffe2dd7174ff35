import { siteOfService, type ServiceConfig } from '../config/service-schema.js';
import { admitTarget } from './admit-target.js';
import { prerequisitesChecklist } from './checklists.js';
import { newJobId } from './new-job-id.js';
import type { RollbackPlan, RollbackRequest } from './plan.js';
import type { Runbooks } from './runbooks.js';
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
      runbooks: Runbooks;
      now: () => Date;
    },
  ) {}

  strategyFor(service: ServiceConfig, requested?: string): Strategy {
    return this.options.runbooks.choose(service, requested);
  }

  /** Resolves a request into a plan without side effects. */
  async plan(request: RollbackRequest, signal?: AbortSignal): Promise<RollbackPlan> {
    const service = this.options.catalog.require(request.service);
    const strategy = this.strategyFor(service, request.strategy);
    const resolved = await strategy.resolve(service, request, signal ? { signal } : {});
    const admission = admitTarget(service.name, resolved, request);
    const warnings = [...admission.marks, ...(resolved.warnings ?? [])];
    const jobId = request.jobId ?? newJobId(service.name, this.options.now());
    return {
      jobId,
      request,
      service: service.name,
      environment: service.environment,
      site: siteOfService(service),
      strategy: strategy.name,
      from: resolved.from,
      to: resolved.to,
      target: resolved.target,
      steps: this.options.runbooks.outline(service, strategy, resolved.target),
      actions: resolved.actions,
      prerequisites: prerequisitesChecklist(service, { strategy: strategy.name, to: resolved.to }),
      ...(resolved.knownFrom ? { knownFrom: resolved.knownFrom } : {}),
      ...(admission.exceptions.length > 0 ? { exceptions: admission.exceptions } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
      createdAt: this.options.now().toISOString(),
    };
  }
}
