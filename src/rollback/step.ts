import type { ZodType } from 'zod';
import type { Logger } from '../observability/logger.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { RollbackPlan } from './plan.js';
import type { EvidenceRef } from './progress-snapshot.js';

/**
 * Durable memory of one job that survives a worker crash. Steps record what they did here and read it
 * back on resume, so that a resumed job never repeats a change it already made.
 */
export interface JobMemory {
  /**
   * The value stored under `key`, checked against `schema`; undefined when nothing is stored. A value that
   * does not fit the schema is not guessed at: the read throws PermanentError `job_memory_unreadable`.
   */
  get<T>(key: string, schema: ZodType<T>): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface StepContext {
  plan: RollbackPlan;
  service: ServiceConfig;
  /** Aborted when the job is cancelled; pass it to every command and API call that can be aborted. */
  signal: AbortSignal;
  /** Post a detail line (what the step saw) in the status message's thread. */
  detail(text: string): Promise<void>;
  /** Set the one-line summary shown next to the step. */
  summary(text: string): Promise<void>;
  memory: JobMemory;
  log: Logger;
  now(): Date;
  /** Lists evidence bundles the step took in the snapshot (surfaces show and attach them). */
  evidence?(bundles: EvidenceRef[]): Promise<void>;
}

export interface StepOutcome {
  /** The step decided there was nothing to do (already done before a crash, not configured, dry run). */
  skipped?: boolean;
  summary?: string;
}

/** One reported step of a runbook. `run` must check the current state before acting (it may run twice). */
export interface RollbackStep {
  id: string;
  title: string;
  /**
   * Whether a cancel may abort the step half-way (its signal is aborted). Default true: reads, waits and
   * checks. Set false for a step whose change must not be half-made (a Kubernetes patch): on cancel it
   * gets a signal that never aborts, finishes, and no further step runs.
   */
  interruptible?: boolean;
  run(ctx: StepContext): Promise<StepOutcome | void>;
}
