import { z } from 'zod';
import { durationSeconds } from './duration-schema.js';
import { hostPathSchema, unitNameSchema } from './hosts-schema.js';

/** Collectors of a host target (runbook layout: logs/, systemd/, process/, hardening/, files/). */
export const HOST_COLLECTOR_NAMES = ['journald', 'systemd', 'process', 'hardening', 'files'] as const;
/** Collectors of a Kubernetes target (kubernetes/...). */
export const KUBERNETES_COLLECTOR_NAMES = ['deployment', 'pods', 'events', 'pod-logs'] as const;
export const EVIDENCE_COLLECTOR_NAMES = [...HOST_COLLECTOR_NAMES, ...KUBERNETES_COLLECTOR_NAMES] as const;
export type EvidenceCollectorName = (typeof EVIDENCE_COLLECTOR_NAMES)[number];

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1000, KIB: 1024, MB: 1000 ** 2, MIB: 1024 ** 2 };

/** A size: a number of bytes, or "512KiB", "1MiB", "2MB". The output is bytes. */
export const sizeBytes = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB)$/i, 'must be like 512KiB, 1MiB or a number of bytes'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(value);
    return Math.floor(Number(match?.[1]) * (SIZE_UNITS[(match?.[2] ?? 'B').toUpperCase()] ?? 1));
  });

/**
 * The optional `evidence:` section of a service YAML: what the bot captures in an evidence bundle before and
 * after a rollback (docs/service-catalog.md, `evidence`). Everything has a default per strategy.
 */
export const evidenceSectionSchema = z
  .object({
    /** false: take no bundles for this service. */
    enabled: z.boolean().default(true),
    /** Collectors to run where they apply; omitted: all of the target's (host or Kubernetes). */
    collectors: z.array(z.enum(EVIDENCE_COLLECTOR_NAMES)).min(1).optional(),
    /** Host targets: the systemd unit; omitted: the strategy section's `unit`. */
    unit: unitNameSchema.optional(),
    /** Host targets: run journalctl, systemd-analyze and the /proc reads through `sudo -n`; omitted: the strategy's. */
    sudo: z.boolean().optional(),
    /** Log lines per journal or pod container. */
    logLines: z.number().int().min(1).max(100_000).default(1000),
    /** How far back the journal goes ("1h"). */
    since: durationSeconds.default(3600),
    /** Host targets: more files to capture by absolute path (config files...), under files/ in the bundle. */
    files: z.array(hostPathSchema).max(32).default([]),
    /** Host targets: a file that holds the running version; captured as version.txt and compared by diffs. */
    versionFile: hostPathSchema.optional(),
    /** Kubernetes targets: where the Deployment is, when the strategy section does not say (helm). */
    kubernetes: z
      .object({
        context: z.string().min(1).optional(),
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a namespace name')
          .optional(),
        deployment: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Deployment name')
          .optional(),
      })
      .strict()
      .optional(),
    /** Time allowed for each collector. */
    timeout: durationSeconds.default(30),
    /** Limits after redaction: a longer file is cut with a marker; past the bundle size files are left out. */
    limits: z
      .object({ fileSize: sizeBytes.default(1024 * 1024), bundleSize: sizeBytes.default(8 * 1024 * 1024) })
      .strict()
      .refine((l) => l.fileSize <= l.bundleSize, {
        message: 'fileSize must not exceed bundleSize',
        path: ['fileSize'],
        // Only when both sizes parsed: a bad size is reported once, as itself.
        when: (payload) => payload.issues.length === 0,
      })
      .default({ fileSize: 1024 * 1024, bundleSize: 8 * 1024 * 1024 }),
  })
  .strict();

export type EvidenceSection = z.output<typeof evidenceSectionSchema>;
