import { z } from 'zod';
import { DEFAULT_RETENTION } from '../evidence/evidence-store.js';
import { DEFAULT_EVIDENCE_DIR, type EvidenceStoreConfig } from '../evidence/stores/create-evidence-store.js';

const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));

const evidenceEnvSchema = z.object({
  EVIDENCE_DIR: z.string().min(1).default(DEFAULT_EVIDENCE_DIR),
  EVIDENCE_KEEP_PER_SERVICE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DEFAULT_RETENTION.keepPerService),
  EVIDENCE_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(36_500).default(DEFAULT_RETENTION.maxAgeDays),
  EVIDENCE_S3_BUCKET: optional,
  EVIDENCE_S3_ENDPOINT: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  EVIDENCE_S3_REGION: z.string().min(1).default('us-east-1'),
  EVIDENCE_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._/-]*$/, 'letters, digits, . _ - and /')
    .default(''),
  EVIDENCE_S3_ACCESS_KEY_ID: optional,
  EVIDENCE_S3_SECRET_ACCESS_KEY: optional,
  EVIDENCE_S3_SESSION_TOKEN: optional,
  EVIDENCE_S3_PATH_STYLE: z.enum(['true', 'false']).optional(),
});

/**
 * Where evidence bundles are kept, from the environment: a bucket when `EVIDENCE_S3_BUCKET` is set (with
 * `EVIDENCE_S3_ACCESS_KEY_ID` and `EVIDENCE_S3_SECRET_ACCESS_KEY`), else the directory `EVIDENCE_DIR`.
 * Only the composition root calls this. Throws Error with one line per problem (no secret repeated).
 */
export function loadEvidenceConfig(env: Record<string, string | undefined>): EvidenceStoreConfig {
  const parsed = evidenceEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  const e = parsed.data;
  const retention = { keepPerService: e.EVIDENCE_KEEP_PER_SERVICE, maxAgeDays: e.EVIDENCE_MAX_AGE_DAYS };
  if (e.EVIDENCE_S3_BUCKET === undefined) return { kind: 'directory', directory: e.EVIDENCE_DIR, retention };
  if (e.EVIDENCE_S3_ACCESS_KEY_ID === undefined || e.EVIDENCE_S3_SECRET_ACCESS_KEY === undefined) {
    throw new Error('EVIDENCE_S3_BUCKET needs EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY');
  }
  return {
    kind: 's3',
    retention,
    s3: {
      bucket: e.EVIDENCE_S3_BUCKET,
      region: e.EVIDENCE_S3_REGION,
      accessKeyId: e.EVIDENCE_S3_ACCESS_KEY_ID,
      secretAccessKey: e.EVIDENCE_S3_SECRET_ACCESS_KEY,
      ...(e.EVIDENCE_S3_SESSION_TOKEN ? { sessionToken: e.EVIDENCE_S3_SESSION_TOKEN } : {}),
      ...(e.EVIDENCE_S3_ENDPOINT ? { endpoint: e.EVIDENCE_S3_ENDPOINT } : {}),
      ...(e.EVIDENCE_S3_PREFIX ? { prefix: e.EVIDENCE_S3_PREFIX.replace(/\/?$/, '/') } : {}),
      ...(e.EVIDENCE_S3_PATH_STYLE ? { pathStyle: e.EVIDENCE_S3_PATH_STYLE === 'true' } : {}),
    },
  };
}
