import { z } from 'zod';
import { hostPathSchema, unitNameSchema } from '../hosts-schema.js';

/**
 * The `files:` section of a service YAML (runbook option B): backups are subdirectories of `backupDir`
 * named by version or timestamp ("v0.7.0", "2025-11-20T1030"); rolling back stops the service, copies a
 * backup over `path` and starts it again.
 */
export const filesSectionSchema = z
  .object({
    /** The service's files on each host ("/srv/app"). */
    path: hostPathSchema,
    /** Directory of backups on each host ("/backup/app"); one subdirectory per version. */
    backupDir: hostPathSchema,
    /** Stopped before the restore, started after it, checked by verify. */
    unit: unitNameSchema.optional(),
    /** Run systemctl / journalctl / cp through `sudo -n` (the files belong to root). */
    sudo: z.boolean().default(false),
  })
  .strict()
  .refine(
    (s) =>
      s.path !== s.backupDir &&
      !s.backupDir.startsWith(`${s.path}/`) &&
      !s.path.startsWith(`${s.backupDir}/`),
    {
      message: 'path and backupDir must not contain each other',
      path: ['backupDir'],
    },
  );
export type FilesSection = z.output<typeof filesSectionSchema>;
