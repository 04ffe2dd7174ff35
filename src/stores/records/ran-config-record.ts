import { z } from 'zod';
import type { RanConfig } from '../../rollback/ports/ran-configs.js';
import type { RecordKind } from '../stored-record.js';

const reference = {
  kind: z.enum(['ConfigMap', 'Secret']),
  name: z.string(),
  optional: z.boolean(),
  usedBy: z.array(z.string()),
};

const fingerprintSchema = z.union([
  z.object({
    ...reference,
    state: z.literal('present'),
    uid: z.string(),
    resourceVersion: z.string(),
    contentHash: z.string(),
  }),
  z.object({ ...reference, state: z.literal('missing') }),
]);

const ranConfigSchema: z.ZodType<RanConfig> = z.object({
  image: z.string(),
  revision: z.number().int().optional(),
  seenAt: z.string(),
  fingerprints: z.array(fingerprintSchema),
});

/** The ConfigMaps and Secrets an image ran with (hashes only). Malformed: missing (drift is not compared). */
export const RAN_CONFIG_RECORD: RecordKind<RanConfig> = {
  name: 'ran config',
  version: 1,
  schema: ranConfigSchema,
};
