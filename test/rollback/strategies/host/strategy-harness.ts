import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceSchema, type ServiceConfig } from '../../../../src/config/service-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import type { RollbackPlan, RollbackRequest } from '../../../../src/rollback/plan.js';
import type { CommandRunnerFactory } from '../../../../src/rollback/ports/command-runner.js';
import type { JobMemory, RollbackStep, StepContext } from '../../../../src/rollback/step.js';
import type { ResolvedPlan } from '../../../../src/rollback/strategy.js';
import { createCommandRunnerFactory } from '../../../../src/targets/shell/create-command-runner-factory.js';
import { standinPath, type StandinPath } from '../../../support/standins/standin-path.js';

/** Stand-ins on PATH (through the runner's baseEnv, never process.env) and a runner factory over them. */
export interface Harness {
  standins: StandinPath;
  runnerFactory: CommandRunnerFactory;
  /** Writes a stand-in's JSON state file for one host ("local" or an ssh destination). */
  setState(host: string, file: string, value: unknown): Promise<void>;
}

export async function createHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const standins = await standinPath(extraEnv);
  const runnerFactory = createCommandRunnerFactory({ log: silentLogger(), baseEnv: standins.env });
  return {
    standins,
    runnerFactory,
    async setState(host, file, value) {
      const dir = join(standins.env.STANDIN_STATE as string, host);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, file), JSON.stringify(value, null, 2));
    },
  };
}

export function service(fields: Record<string, unknown>): ServiceConfig {
  return serviceSchema.parse({ name: 'kaizen', channel: 'C0123', ...fields });
}

export function request(version?: string, extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    service: 'kaizen',
    ...(version === undefined ? {} : { version }),
    dryRun: false,
    requester: { id: 'U1', name: 'ana', source: 'cli' },
    ...extra,
  };
}

/** In-memory job memory that can be shared between two runs (a crash and its resume). */
export function memoryStore(): JobMemory & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    async get<T>(key: string) {
      return data.get(key) as T | undefined;
    },
    async set(key, value) {
      data.set(key, structuredClone(value));
    },
  };
}

export interface StepRun {
  results: { id: string; skipped: boolean; summary: string | undefined }[];
  details: string[];
  error?: unknown;
  failedStep?: string;
}

/** Runs steps in order like the worker (without retries), stopping at the first error. */
export async function runSteps(
  steps: RollbackStep[],
  svc: ServiceConfig,
  resolved: ResolvedPlan,
  memory: JobMemory = memoryStore(),
  options: { from?: string } = {},
): Promise<StepRun> {
  const plan: RollbackPlan = {
    jobId: 'job-1',
    request: request(),
    service: svc.name,
    environment: svc.environment,
    strategy: svc.strategy,
    from: resolved.from,
    to: resolved.to,
    target: resolved.target,
    steps: steps.map((s) => ({ id: s.id, title: s.title })),
    actions: resolved.actions,
    createdAt: new Date(Date.now() - 1000).toISOString(),
  };
  const run: StepRun = { results: [], details: [] };
  const start = options.from === undefined ? 0 : steps.findIndex((s) => s.id === options.from);
  for (const step of steps.slice(start)) {
    const ctx: StepContext = {
      plan,
      service: svc,
      signal: new AbortController().signal,
      detail: async (text) => void run.details.push(`${step.id}: ${text}`),
      summary: async () => {},
      memory,
      log: silentLogger(),
      now: () => new Date(),
    };
    try {
      const outcome = await step.run(ctx);
      run.results.push({ id: step.id, skipped: outcome?.skipped === true, summary: outcome?.summary });
    } catch (error) {
      run.error = error;
      run.failedStep = step.id;
      break;
    }
  }
  return run;
}
