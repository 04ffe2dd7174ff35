import { silentLogger } from '../../../../src/observability/logger.js';
import type { RollbackPlan } from '../../../../src/rollback/plan.js';
import type { JobMemory, StepContext } from '../../../../src/rollback/step.js';
import type { ServiceConfig } from '../../../../src/config/service-schema.js';

/** A StepContext for tests: in-memory job memory (shared across steps if passed), collected details. */
export interface TestStepContext {
  ctx: StepContext;
  details: string[];
  summaries: string[];
  memory: Map<string, unknown>;
}

export function testStepContext(options: {
  plan: RollbackPlan;
  service: ServiceConfig;
  memory?: Map<string, unknown>;
  signal?: AbortSignal;
}): TestStepContext {
  const store = options.memory ?? new Map<string, unknown>();
  const details: string[] = [];
  const summaries: string[] = [];
  const memory: JobMemory = {
    get: async <T>(key: string) => structuredClone(store.get(key)) as T | undefined,
    set: async (key, value) => {
      store.set(key, structuredClone(value));
    },
  };
  const ctx: StepContext = {
    plan: options.plan,
    service: options.service,
    signal: options.signal ?? new AbortController().signal,
    detail: async (text) => {
      details.push(text);
    },
    summary: async (text) => {
      summaries.push(text);
    },
    memory,
    log: silentLogger(),
    now: () => new Date('2026-03-01T12:00:00Z'),
  };
  return { ctx, details, summaries, memory: store };
}

export function testPlan(
  partial: Partial<RollbackPlan> & Pick<RollbackPlan, 'target' | 'from' | 'to'>,
): RollbackPlan {
  return {
    jobId: 'job-1',
    request: { service: 'kaizen', dryRun: false, requester: { id: 'U1', name: 'alice', source: 'cli' } },
    service: 'kaizen',
    environment: 'production',
    strategy: 'kubernetes',
    steps: [],
    actions: [],
    createdAt: '2026-03-01T12:00:00Z',
    ...partial,
  };
}
