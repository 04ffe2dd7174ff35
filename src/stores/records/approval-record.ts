import { z } from 'zod';
import type { ApprovalRecord } from '../../rollback/ports/approval-store.js';
import type { RecordKind } from '../stored-record.js';

/** The hash fields, in the order the store's scripts return them (HMGET). */
export const APPROVAL_FIELDS = [
  'service',
  'requesterId',
  'required',
  'approvals',
  'expiresAtMs',
  'state',
  'rev',
  'schemaVersion',
] as const;

const approvalsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'approvals is not JSON' });
      return z.NEVER;
    }
  })
  // cjson (the store's scripts) writes an empty list as {}.
  .pipe(
    z.union([
      z.array(z.object({ id: z.string(), name: z.string(), at: z.string() })),
      z.object({}).transform(() => []),
    ]),
  );

const approvalSchema: z.ZodType<Omit<ApprovalRecord, 'jobId'>> = z
  .object({
    service: z.string(),
    requesterId: z.string(),
    required: z.coerce.number().int().nonnegative(),
    approvals: approvalsSchema,
    expiresAtMs: z.coerce.number(),
    state: z.enum(['pending', 'approved', 'expired', 'cancelled']),
    rev: z.coerce.number().int(),
  })
  .transform(({ expiresAtMs, ...rest }) => ({ ...rest, expiresAt: new Date(expiresAtMs).toISOString() }));

/**
 * A plan waiting for approvals: one Redis hash per job (until a week after it expires). Malformed:
 * treated as missing, so a click answers "no longer waiting for approval" and nothing is enqueued.
 */
export const APPROVAL_RECORD: RecordKind<Omit<ApprovalRecord, 'jobId'>> = {
  name: 'approval',
  version: 1,
  schema: approvalSchema,
};
