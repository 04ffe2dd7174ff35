import { z } from 'zod';
import type { RanDigest } from '../../rollback/ports/image-digests.js';
import type { RecordKind } from '../stored-record.js';

const ranDigestSchema: z.ZodType<RanDigest> = z.object({
  image: z.string(),
  digest: z.string(),
  revision: z.number().int().optional(),
  seenAt: z.string(),
});

/** The digest an image ran with in a service. Malformed: missing (the plan then cannot compare). */
export const RAN_DIGEST_RECORD: RecordKind<RanDigest> = {
  name: 'ran digest',
  version: 1,
  schema: ranDigestSchema,
};
