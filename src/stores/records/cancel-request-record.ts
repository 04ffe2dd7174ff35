import { z } from 'zod';
import type { CancelRequest } from '../../rollback/ports/cancellation.js';
import type { RecordKind } from '../stored-record.js';
import { requesterSchema } from './snapshot-record.js';

const cancelRequestSchema: z.ZodType<CancelRequest> = z.object({
  by: z.object({ id: z.string(), name: z.string(), source: requesterSchema.shape.source.optional() }),
  at: z.string(),
});

/**
 * A durable cancel flag (7 days), and the request in a cancel broadcast. Malformed: treated as missing;
 * a cancel whose flag cannot be read is not applied (the person sees the rollback go on and can ask
 * again), and a job is never stopped on a record nobody can read.
 */
export const CANCEL_REQUEST_RECORD: RecordKind<CancelRequest> = {
  name: 'cancel request',
  version: 1,
  schema: cancelRequestSchema,
};
