import type { ServiceConfig } from '../../config/service-schema.js';
import type { CommandRunner } from '../ports/command-runner.js';
import type { RollbackStep } from '../step.js';
import { DATABASE_GUARD_STEP, databaseCompatibilityStep } from './database-compatibility-step.js';

/** The guard steps a service configures, as the plan lists them (same ids and titles as {@link withGuards}). */
export function guardOutline(service: ServiceConfig): { id: string; title: string }[] {
  return service.guards?.databaseCompatibility ? [{ ...DATABASE_GUARD_STEP }] : [];
}

/** Prepends the service's guards to a strategy's steps: they run first, for every strategy, before any change. */
export function withGuards(
  service: ServiceConfig,
  steps: RollbackStep[],
  runner: CommandRunner,
): RollbackStep[] {
  const guards: RollbackStep[] = [];
  const database = service.guards?.databaseCompatibility;
  if (database) guards.push(databaseCompatibilityStep(database, runner));
  return [...guards, ...steps];
}
