import { z } from 'zod';
import { PACKAGE_VERSION_PATTERN } from '../../../config/strategies/apt-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';

/**
 * What a resolved yum plan stores: `undo` (per host, the transaction to undo; "previous" or
 * "transaction:N") or `downgrade` (one version for every host).
 */
export const yumTargetSchema = z.object({
  package: z.string(),
  mode: z.enum(['undo', 'downgrade']),
  version: z.string().regex(PACKAGE_VERSION_PATTERN).optional(),
  hosts: z
    .array(
      z.object({
        host: z.string(),
        from: z.string().nullable(),
        transaction: z.number().int().positive().optional(),
      }),
    )
    .min(1),
});
export type YumTarget = z.output<typeof yumTargetSchema>;
export type YumHostTarget = YumTarget['hosts'][number];

export function parseYumTarget(target: Record<string, unknown>): YumTarget {
  const parsed = yumTargetSchema.safeParse(target);
  if (!parsed.success || (parsed.data.mode === 'downgrade') !== (parsed.data.version !== undefined)) {
    throw new PermanentError('bad_target', 'The stored yum rollback target is not valid.', {
      details: [parsed.error?.message ?? 'mode/version mismatch'],
    });
  }
  return parsed.data;
}
