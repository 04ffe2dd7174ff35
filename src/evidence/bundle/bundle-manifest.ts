import { z } from 'zod';

/** The labels the runbook names; any other lowercase label (`canary`, `after-hotfix`) is allowed too. */
export const KNOWN_LABELS = ['pre-deploy', 'broken', 'post-rollback'] as const;
export type KnownLabel = (typeof KNOWN_LABELS)[number];
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const bundleLabelSchema = z
  .string()
  .regex(LABEL_PATTERN, 'must be lowercase letters, digits and dashes (at most 40), like pre-deploy');

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_SCHEMA_VERSION = 1;

const hostTargetSchema = z.object({
  kind: z.literal('host'),
  /** "local" or the SSH destination the evidence was collected on. */
  host: z.string(),
  unit: z.string().optional(),
});
const kubernetesTargetSchema = z.object({
  kind: z.literal('kubernetes'),
  /** "context/namespace" as the cluster client describes itself. */
  cluster: z.string(),
  namespace: z.string(),
  deployment: z.string(),
});
export const bundleTargetSchema = z.discriminatedUnion('kind', [hostTargetSchema, kubernetesTargetSchema]);
export type BundleTarget = z.infer<typeof bundleTargetSchema>;

export const collectorRecordSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** The files it contributed (paths in the bundle). */
  files: z.array(z.string()),
  /** Why it failed (redacted), when `ok` is false. */
  error: z.string().optional(),
  /** Parts it could not collect while the rest succeeded (one pod's log, one process). */
  warnings: z.array(z.string()).optional(),
});
export type CollectorRecord = z.infer<typeof collectorRecordSchema>;

export const bundleFileRecordSchema = z.object({
  path: z.string(),
  /** Bytes stored in the bundle. */
  bytes: z.number().int().nonnegative(),
  /** Set when the file was cut to the size limits: bytes it had after redaction. */
  truncatedFrom: z.number().int().nonnegative().optional(),
});
export type BundleFileRecord = z.infer<typeof bundleFileRecordSchema>;

/**
 * `manifest.json`, the first entry of every bundle: what, where, when and how the evidence was taken.
 * Versioned; readers parse it with this schema (never a cast).
 */
export const bundleManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  producer: z.string(),
  service: z.string(),
  label: bundleLabelSchema,
  takenAt: z.iso.datetime(),
  jobId: z.string().optional(),
  target: bundleTargetSchema,
  /** The version running when the bundle was taken, when the caller knows it. */
  version: z.string().optional(),
  collectors: z.array(collectorRecordSchema),
  files: z.array(bundleFileRecordSchema),
  limits: z.object({ fileBytes: z.number().int().positive(), bundleBytes: z.number().int().positive() }),
  /** Files left out because the bundle limit was reached. */
  omitted: z.array(z.string()).default([]),
});
export type BundleManifest = z.output<typeof bundleManifestSchema>;

/** What the caller says about a bundle it is about to take. */
export interface BundleSubject {
  service: string;
  label: string;
  jobId?: string;
  version?: string;
  target: BundleTarget;
}
