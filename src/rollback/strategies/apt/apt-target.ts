import { z } from 'zod';
import { PACKAGE_VERSION_PATTERN } from '../../../config/strategies/apt-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';

/** What a resolved apt plan stores in the job. */
export const aptTargetSchema = z.object({
  package: z.string(),
  version: z.string().regex(PACKAGE_VERSION_PATTERN),
  hosts: z.array(z.object({ host: z.string(), from: z.string().nullable() })).min(1),
});
export type AptTarget = z.output<typeof aptTargetSchema>;

export function parseAptTarget(target: Record<string, unknown>): AptTarget {
  const parsed = aptTargetSchema.safeParse(target);
  if (!parsed.success) {
    throw new PermanentError('bad_target', 'The stored apt rollback target is not valid.', {
      details: [parsed.error.message],
    });
  }
  return parsed.data;
}
