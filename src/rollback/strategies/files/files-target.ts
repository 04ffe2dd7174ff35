import { z } from 'zod';

/** The resolved target of a files rollback, as stored in the plan (`RollbackPlan.target`). */
export const filesTargetSchema = z.object({
  /** The backup's name, a subdirectory of backupDir ("v0.7.0", "2025-11-20T1030"). */
  backup: z.string(),
  /** `<backupDir>/<backup>` */
  backupPath: z.string(),
});
export type FilesTarget = z.output<typeof filesTargetSchema>;
