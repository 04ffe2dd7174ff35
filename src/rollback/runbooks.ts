import type { ServiceConfig } from '../config/service-schema.js';
import { InputError, PermanentError } from '../errors/rollback-error.js';
import { guardOutline, withGuards } from './guards/with-guards.js';
import type { RollbackPlan } from './plan.js';
import type { CommandRunner } from './ports/command-runner.js';
import type { RollbackStep } from './step.js';
import type { Strategy } from './strategy.js';

/** A step as a plan lists it, before it runs. */
export interface StepOutline {
  id: string;
  title: string;
}

/**
 * The strategies this process knows, and the runbook each builds for a service: the service's guards
 * first (database compatibility, for every strategy, before anything changes), then the strategy's
 * steps. The planner and the executor both build runbooks here, so a plan lists exactly the steps a
 * worker runs.
 */
export class Runbooks {
  constructor(private readonly strategies: ReadonlyMap<string, Strategy>) {}

  /**
   * For planning: the requested strategy, or the service's own. An {@link InputError} that names the
   * strategies configured for the service when this one cannot roll it back.
   */
  choose(service: ServiceConfig, requested?: string): Strategy {
    const name = requested ?? service.strategy;
    const strategy = this.strategies.get(name);
    if (strategy && strategy.supports(service)) return strategy;
    const configured = [...this.strategies.values()].filter((s) => s.supports(service)).map((s) => s.name);
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

  /** For running: the strategy the plan was made with; a {@link PermanentError} when this process lacks it. */
  ofPlan(plan: RollbackPlan): Strategy {
    const strategy = this.strategies.get(plan.strategy);
    if (strategy) return strategy;
    throw new PermanentError(
      'strategy_unavailable',
      `strategy ${plan.strategy} is not available on this worker`,
    );
  }

  /** The runbook's steps as a plan lists them (ids and titles), guards first. */
  outline(service: ServiceConfig, strategy: Strategy, target: Record<string, unknown>): StepOutline[] {
    return [
      ...guardOutline(service),
      ...strategy.steps(service, target).map((s) => ({ id: s.id, title: s.title })),
    ];
  }

  /** The runbook's steps as a worker runs them, guards first; `guardRunner` runs guard commands. */
  steps(
    service: ServiceConfig,
    strategy: Strategy,
    target: Record<string, unknown>,
    guardRunner: CommandRunner,
  ): RollbackStep[] {
    return withGuards(service, strategy.steps(service, target), guardRunner);
  }
}
