import { z } from 'zod';
import { PermanentError } from '../../../errors/rollback-error.js';

/** What a resolved Helm plan stores in the job: the revision to go back to and the one it replaces. */
export const helmTargetSchema = z.object({
  release: z.string(),
  namespace: z.string(),
  revision: z.number().int().positive(),
  chart: z.string(),
  appVersion: z.string(),
  fromRevision: z.number().int().positive(),
  fromChart: z.string(),
  fromAppVersion: z.string(),
  /** `--recover`: `fromRevision` is stuck in pending-*, and rolling back from it is the point. */
  recovery: z.boolean().optional(),
});
export type HelmTarget = z.output<typeof helmTargetSchema>;

export function parseHelmTarget(target: Record<string, unknown>): HelmTarget {
  const parsed = helmTargetSchema.safeParse(target);
  if (!parsed.success) {
    throw new PermanentError('bad_target', 'The stored Helm rollback target is not valid.', {
      details: [parsed.error.message],
    });
  }
  return parsed.data;
}

/** What the rollback step records once `helm rollback` succeeded (or was found already done). */
export interface HelmRollbackMemory {
  revision: number;
  newRevision: number;
  at: string;
}

export const helmRollbackMemorySchema: z.ZodType<HelmRollbackMemory> = z.object({
  revision: z.number(),
  newRevision: z.number(),
  at: z.string(),
});
export const HELM_ROLLBACK_MEMORY_KEY = 'helm:rollback';
