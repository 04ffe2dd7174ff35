import { z } from 'zod';
import type { RollbackPlan } from '../../rollback/plan.js';
import type { RecordKind } from '../stored-record.js';
import { checklistSchema, requesterSchema } from './snapshot-record.js';

const planSchema: z.ZodType<RollbackPlan> = z.object({
  jobId: z.string(),
  request: z.object({
    service: z.string(),
    version: z.string().optional(),
    toRevision: z.number().optional(),
    strategy: z.string().optional(),
    dryRun: z.boolean(),
    reason: z.string().optional(),
    requester: requesterSchema,
    channel: z.string().optional(),
    channelName: z.string().optional(),
    breakGlass: z.boolean().optional(),
    force: z.boolean().optional(),
    recover: z.boolean().optional(),
    forward: z.boolean().optional(),
    allowUnlisted: z.boolean().optional(),
    remedy: z.object({ kind: z.enum(['restore_backup', 'rollout_restart']), fromJob: z.string() }).optional(),
    incident: z
      .object({
        id: z.string(),
        url: z.string(),
        title: z.string().optional(),
        number: z.number().optional(),
        createdAt: z.iso.datetime({ offset: true }).optional().catch(undefined),
      })
      .optional(),
  }),
  service: z.string(),
  environment: z.string(),
  site: z.string().optional(),
  strategy: z.string(),
  from: z.string(),
  to: z.string(),
  target: z.record(z.string(), z.unknown()),
  steps: z.array(z.object({ id: z.string(), title: z.string() })),
  actions: z.array(z.object({ target: z.string(), description: z.string() })),
  warnings: z.array(z.string()).optional(),
  prerequisites: checklistSchema.optional(),
  knownFrom: z.enum(['history', 'tags', 'registry']).optional(),
  exceptions: z.array(z.enum(['forward', 'unlisted'])).optional(),
  versions: z.object({ from: z.string().optional(), to: z.string().optional() }).optional(),
  lastKnownGood: z.object({ id: z.string(), label: z.string(), target: z.boolean() }).optional(),
  createdAt: z.string(),
});

/** A plan as the rollback index keeps it (90 days), for reports. Malformed: treated as missing. */
export const PLAN_RECORD: RecordKind<RollbackPlan> = { name: 'plan', version: 1, schema: planSchema };
