import type { ServiceConfig } from '../config/service-schema.js';
import { InputError, PermanentError } from '../errors/rollback-error.js';
import { guardOutline, withGuards } from './guards/with-guards.js';
import type { RollbackPlan } from './plan.js';
import { CAPTURE_STEPS, captureEvidenceStep } from './capture-evidence-step.js';
import type { CommandRunner } from './ports/command-runner.js';
import type { EvidenceRecorder } from './ports/evidence-recorder.js';
import type { RollbackStep } from './step.js';
import type { Strategy } from './strategy.js';

/** A step as a plan lists it, before it runs. */
export interface StepOutline {
  id: string;
  title: string;
}

/**
 * The strategies this process knows, and the runbook each builds for a service: the broken-state
 * evidence capture first (when evidence is recorded), the service's guards (database compatibility, for
 * every strategy, before anything changes), the strategy's steps, then the post-rollback capture. The
 * planner and the executor both build runbooks here, so a plan lists exactly the steps a worker runs; the
 * executor takes the capture steps the plan lists, whatever this process would have planned.
 */
export class Runbooks {
  constructor(
    private readonly strategies: ReadonlyMap<string, Strategy>,
    private readonly evidence?: EvidenceRecorder,
  ) {}

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
    const capture = this.evidence?.captures(service, strategy.name) === true;
    return [
      ...(capture ? [{ ...CAPTURE_STEPS.broken }] : []),
      ...guardOutline(service),
      ...strategy.steps(service, target).map((s) => ({ id: s.id, title: s.title })),
      ...(capture ? [{ ...CAPTURE_STEPS['post-rollback'] }] : []),
    ];
  }

  /**
   * The runbook's steps as a worker runs them, guards first; `guardRunner` runs guard commands. The
   * capture steps are there when `planned` (the plan's outline) lists them.
   */
  steps(
    service: ServiceConfig,
    strategy: Strategy,
    target: Record<string, unknown>,
    guardRunner: CommandRunner,
    planned: readonly StepOutline[] = [],
  ): RollbackStep[] {
    const listed = (id: string) => planned.some((step) => step.id === id);
    return [
      ...(listed(CAPTURE_STEPS.broken.id) ? [captureEvidenceStep('broken', this.evidence)] : []),
      ...withGuards(service, strategy.steps(service, target), guardRunner),
      ...(listed(CAPTURE_STEPS['post-rollback'].id)
        ? [captureEvidenceStep('post-rollback', this.evidence)]
        : []),
    ];
  }
}
