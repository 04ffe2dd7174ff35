import { z } from 'zod';
import type { ErrorCode } from '../errors/error-codes.js';
import {
  InputError,
  PermanentError,
  RetryableError,
  RollbackError,
  describeError,
} from '../errors/rollback-error.js';
import type { RollbackRequest } from '../rollback/plan.js';
import type { ResolvedPlan, VersionEntry } from '../rollback/strategy.js';

/** What a web process asks a worker of the service's site: resolve a plan, or list versions. */
export type PlanCall =
  | { op: 'resolve'; service: string; strategy: string; request: RollbackRequest; deadline: number }
  | { op: 'versions'; service: string; strategy: string; deadline: number };

/** An error as it crosses from the worker to the web process: its kind decides the class rebuilt. */
const errorSchema = z.object({
  kind: z.enum(['input', 'retryable', 'permanent']),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  details: z.array(z.string()).default([]),
  next: z
    .array(
      z.object({
        command: z.enum(['rollback', 'status', 'versions', 'history', 'cancel', 'release', 'snapshot']),
        args: z.array(z.string()),
      }),
    )
    .default([]),
});

const resolvedSchema = z.object({
  from: z.string(),
  to: z.string(),
  target: z.record(z.string(), z.unknown()),
  actions: z.array(z.object({ target: z.string(), description: z.string() })),
  warnings: z.array(z.string()).optional(),
});

const versionsSchema = z.array(
  z.object({
    id: z.string(),
    description: z.string(),
    current: z.boolean().optional(),
    version: z.string().optional(),
    ran: z.boolean().optional(),
  }),
);

/** A worker's answer: what was asked, or the error it ended in. Parsed with its schema on arrival. */
export const planReplySchema = z.union([
  z.object({ resolved: resolvedSchema, steps: z.array(z.object({ id: z.string(), title: z.string() })) }),
  z.object({ versions: versionsSchema }),
  z.object({ error: errorSchema }),
]);

export type PlanReply =
  /** The resolved plan, with the steps the worker's strategy runs for it (ids and titles). */
  | { resolved: ResolvedPlan; steps: { id: string; title: string }[] }
  | { versions: VersionEntry[] }
  | { error: z.input<typeof errorSchema> };

/** Any thrown value as a reply, keeping its kind, code, hint and suggested commands. */
export function errorReply(error: unknown): PlanReply {
  const described = describeError(error);
  const kind =
    error instanceof InputError ? 'input' : error instanceof RetryableError ? 'retryable' : 'permanent';
  return {
    error: {
      kind,
      ...described,
      ...(error instanceof RollbackError
        ? {
            details: [...error.details],
            next: error.next.map((n) => ({ command: n.command, args: [...n.args] })),
          }
        : {}),
    },
  };
}

/** The error a worker replied with, as the class it was thrown as there. */
export function errorFromReply(error: z.output<typeof errorSchema>): RollbackError {
  // A code from another process (maybe another version): shown as it came, like codes of stored snapshots.
  const code = error.code as ErrorCode;
  const options = {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: error.details,
    next: error.next,
  };
  if (error.kind === 'input') return new InputError(code, error.message, options);
  if (error.kind === 'retryable') return new RetryableError(code, error.message, options);
  return new PermanentError(code, error.message, options);
}
