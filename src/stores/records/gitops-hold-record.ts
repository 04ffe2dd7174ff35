import { z } from 'zod';
import type { GitopsHold } from '../../rollback/ports/gitops-holds.js';
import type { RecordKind } from '../stored-record.js';

const holdSchema: z.ZodType<GitopsHold> = z.object({
  service: z.string(),
  jobId: z.string(),
  context: z.string().optional(),
  ref: z.object({
    group: z.string(),
    version: z.string(),
    plural: z.string(),
    namespace: z.string(),
    name: z.string(),
  }),
  kind: z.enum(['argocd-automated', 'flux-suspend']),
  original: z.object({ present: z.boolean(), value: z.unknown().optional() }),
  description: z.string(),
  at: z.string(),
  revert: z
    .object({
      commits: z.array(z.object({ short: z.string(), subject: z.string() })),
      pullRequest: z.string().optional(),
    })
    .optional(),
});

/** A CD system the bot holds (no expiry: `/rollback release` restores and clears it). Malformed: missing. */
export const GITOPS_HOLD_RECORD: RecordKind<GitopsHold> = {
  name: 'gitops hold',
  version: 1,
  schema: holdSchema,
};
