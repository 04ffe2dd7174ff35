import { z } from 'zod';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { RecordKind } from '../stored-record.js';

const errorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });
const personSchema = z.object({ id: z.string(), name: z.string() });

export const requesterSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(['slack', 'pagerduty', 'cli', 'console', 'http']),
});

/** Records written before checklists had ids get ones from their position (schema version 1 had none). */
export const checklistSchema = z
  .object({
    id: z.string().optional(),
    title: z.string(),
    items: z.array(
      z.object({
        id: z.string().optional(),
        text: z.string(),
        done: z.boolean().optional(),
        by: z
          .object({
            id: z.string(),
            name: z.string(),
            source: z.enum(['slack', 'pagerduty', 'cli', 'console', 'http', 'bot']).optional(),
          })
          .optional(),
        at: z.string().optional(),
        evidence: z.string().optional(),
      }),
    ),
  })
  .transform(({ id, title, items }) => ({
    id: id ?? slug(title),
    title,
    items: items.map((item, index) => ({ ...item, id: item.id ?? `item-${index + 1}` })),
  }));

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'checklist'
  );
}

const approvalSchema = z.object({ id: z.string(), name: z.string(), at: z.string() });

const stepSchema = z.object({
  id: z.string(),
  title: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  summary: z.string().optional(),
  error: errorSchema.optional(),
});

const snapshotSchema: z.ZodType<ProgressSnapshot> = z.object({
  version: z.number(),
  jobId: z.string(),
  service: z.string(),
  environment: z.string(),
  strategy: z.string(),
  requester: requesterSchema,
  reason: z.string().optional(),
  dryRun: z.boolean(),
  from: z.string(),
  to: z.string(),
  state: z.enum(['awaiting_approval', 'queued', 'running', 'succeeded', 'failed', 'cancelled']),
  steps: z.array(stepSchema),
  details: z.array(z.object({ stepId: z.string(), at: z.string(), text: z.string() })),
  checklists: z.array(checklistSchema),
  outcome: z.object({ summary: z.string(), error: errorSchema.optional() }).optional(),
  approval: z
    .object({
      required: z.number(),
      approvals: z.array(approvalSchema),
      expiresAt: z.string(),
      state: z.enum(['pending', 'approved', 'expired', 'cancelled']),
    })
    .optional(),
  cancelRequested: z
    .object({ by: personSchema.extend({ source: requesterSchema.shape.source.optional() }), at: z.string() })
    .optional(),
  released: z.object({ by: personSchema, at: z.string(), reason: z.string() }).optional(),
  prerequisites: checklistSchema.optional(),
  exceptions: z.array(z.enum(['forward', 'unlisted'])).optional(),
  warnings: z.array(z.string()).optional(),
  remedy: z.enum(['restore_backup', 'rollout_restart']).optional(),
  waitingForWorker: z
    .object({
      site: z.string(),
      reason: z.enum(['no_worker', 'no_strategy']),
      strategy: z.string(),
      available: z.array(z.string()).optional(),
      since: z.string(),
    })
    .optional(),
  evidence: z
    .array(
      z.object({
        id: z.string(),
        label: z.string(),
        target: z.string(),
        bytes: z.number(),
        failed: z.array(z.string()),
      }),
    )
    .optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
});

/**
 * The latest progress snapshot of a rollback (30 days). Malformed: treated as missing (a render draws
 * nothing, `status` says it does not know the job, a resumed worker starts from the plan; every step
 * checks the current state first). Error codes stay plain strings: old snapshots keep renamed codes.
 */
export const SNAPSHOT_RECORD: RecordKind<ProgressSnapshot> = {
  name: 'snapshot',
  version: 1,
  schema: snapshotSchema,
};
