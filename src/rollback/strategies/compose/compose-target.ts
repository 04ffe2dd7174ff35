import { z } from 'zod';
import { IMAGE_TAG_PATTERN } from '../../../config/strategies/compose-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';

/** What a resolved compose plan stores: the tag to run and what each host ran before. */
export const composeTargetSchema = z.object({
  image: z.string(),
  tag: z.string().regex(IMAGE_TAG_PATTERN),
  hosts: z.array(z.object({ host: z.string(), from: z.string().nullable() })).min(1),
});
export type ComposeTarget = z.output<typeof composeTargetSchema>;

export function parseComposeTarget(target: Record<string, unknown>): ComposeTarget {
  const parsed = composeTargetSchema.safeParse(target);
  if (!parsed.success) {
    throw new PermanentError('bad_target', 'The stored compose rollback target is not valid.', {
      details: [parsed.error.message],
    });
  }
  return parsed.data;
}
