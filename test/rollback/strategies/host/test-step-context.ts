import { serviceSchema, type ServiceConfig } from '../../../../src/config/service-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import type { RollbackPlan } from '../../../../src/rollback/plan.js';
import type { JobMemory, RollbackStep, StepContext, StepOutcome } from '../../../../src/rollback/step.js';

export interface TestStepContext extends StepContext {
  details: string[];
  summaries: string[];
  store: Map<string, unknown>;
}

/** A service config as the YAML loader would produce it (defaults applied). */
export function testService(fields: Record<string, unknown>): ServiceConfig {
  return serviceSchema.parse({ name: 'app', channel: 'C0123', ...fields });
}

/** A StepContext with an in-memory JobMemory and collectors for details and summaries. */
export function testStepContext(
  service: ServiceConfig,
  options: { jobId?: string; signal?: AbortSignal; store?: Map<string, unknown> } = {},
): TestStepContext {
  const store = options.store ?? new Map<string, unknown>();
  const memory: JobMemory = {
    async get<T>(key: string) {
      return structuredClone(store.get(key)) as T | undefined;
    },
    async set(key, value) {
      store.set(key, structuredClone(value));
    },
  };
  const plan: RollbackPlan = {
    jobId: options.jobId ?? 'job-1',
    request: { service: service.name, dryRun: false, requester: { id: 'U1', name: 'ada', source: 'cli' } },
    service: service.name,
    environment: service.environment,
    strategy: service.strategy,
    from: '',
    to: '',
    target: {},
    steps: [],
    actions: [],
    createdAt: new Date().toISOString(),
  };
  const details: string[] = [];
  const summaries: string[] = [];
  return {
    plan,
    service,
    signal: options.signal ?? new AbortController().signal,
    details,
    summaries,
    store,
    memory,
    log: silentLogger(),
    now: () => new Date(),
    async detail(text) {
      details.push(text);
    },
    async summary(text) {
      summaries.push(text);
    },
  };
}

/** Runs steps in order the way the worker does, returning each outcome; stops at the first error. */
export async function runSteps(
  steps: RollbackStep[],
  ctx: StepContext,
): Promise<Array<{ id: string; outcome: StepOutcome | void }>> {
  const outcomes: Array<{ id: string; outcome: StepOutcome | void }> = [];
  for (const step of steps) outcomes.push({ id: step.id, outcome: await step.run(ctx) });
  return outcomes;
}
