import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { redactText } from '../../config/redact-text.js';
import { DEFAULT_BUNDLE_LIMITS, truncateText, type BundleLimits, type KeepEnd } from './bundle-limits.js';
import {
  MANIFEST_PATH,
  MANIFEST_SCHEMA_VERSION,
  bundleManifestSchema,
  type BundleFileRecord,
  type BundleManifest,
  type BundleSubject,
  type CollectorRecord,
} from './bundle-manifest.js';
import { bundlePath } from './bundle-path.js';

const gzipAsync = promisify(gzip);

/** One file of evidence as a collector returns it (not yet redacted or cut). */
export interface EvidenceFile {
  /** Path inside the bundle, in the runbook's layout ("logs/journald.txt"). */
  path: string;
  content: string;
  /** Which end survives a cut (default head; logs keep the tail). */
  keep?: KeepEnd;
}

export interface WriteBundleInput {
  subject: BundleSubject;
  takenAt: Date;
  collectors: readonly CollectorRecord[];
  files: readonly EvidenceFile[];
  limits?: BundleLimits;
}

export interface WrittenBundle {
  /** The `.tar.gz` bytes. */
  data: Buffer;
  manifest: BundleManifest;
}

/** Smaller than this left of the bundle budget, a file is left out rather than cut to a stub. */
const MIN_USEFUL_BYTES = 1024;

/**
 * Builds a bundle: every file is redacted first (nothing unredacted is ever packed), then cut to the size
 * limits with a marker, then packed with `manifest.json` first into a gzip'd tar (tar-stream + zlib).
 */
export async function writeBundle(input: WriteBundleInput): Promise<WrittenBundle> {
  const limits = input.limits ?? DEFAULT_BUNDLE_LIMITS;
  const { entries, records, omitted } = fitFiles(input.files, limits);
  const manifest = bundleManifestSchema.parse({
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    producer: 'rollback-bot',
    ...input.subject,
    ...(input.subject.version === undefined ? {} : { version: redactText(input.subject.version) }),
    takenAt: input.takenAt.toISOString(),
    collectors: input.collectors.map(redactRecord),
    files: records,
    limits,
    omitted,
  } satisfies BundleManifest);
  const tar = pack();
  const mtime = input.takenAt;
  // Its free text (collector errors and warnings, the version) was redacted above, field by field.
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  tar.entry({ name: MANIFEST_PATH, size: manifestBytes.length, mode: 0o644, mtime }, manifestBytes);
  for (const entry of entries) {
    tar.entry({ name: entry.path, size: entry.data.length, mode: 0o644, mtime }, entry.data);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return { data: await gzipAsync(Buffer.concat(chunks)), manifest };
}

function fitFiles(
  files: readonly EvidenceFile[],
  limits: BundleLimits,
): { entries: { path: string; data: Buffer }[]; records: BundleFileRecord[]; omitted: string[] } {
  const entries: { path: string; data: Buffer }[] = [];
  const records: BundleFileRecord[] = [];
  const omitted: string[] = [];
  const seen = new Set<string>([MANIFEST_PATH]);
  let left = limits.bundleBytes;
  for (const file of files) {
    const path = uniquePath(bundlePath(file.path), seen);
    const redacted = redactText(file.content);
    const room = Math.min(limits.fileBytes, left);
    if (room < Math.min(MIN_USEFUL_BYTES, Buffer.byteLength(redacted))) {
      omitted.push(path);
      continue;
    }
    const fitted = truncateText(redacted, room, file.keep ?? 'head');
    const data = Buffer.from(fitted.text);
    left -= data.length;
    entries.push({ path, data });
    records.push({
      path,
      bytes: data.length,
      ...(fitted.truncatedFrom === undefined ? {} : { truncatedFrom: fitted.truncatedFrom }),
    });
  }
  return { entries, records, omitted };
}

function uniquePath(path: string, seen: Set<string>): string {
  let candidate = path;
  for (let n = 2; seen.has(candidate); n++) candidate = `${path}.${n}`;
  seen.add(candidate);
  return candidate;
}

function redactRecord(record: CollectorRecord): CollectorRecord {
  return {
    ...record,
    files: [...record.files],
    ...(record.error === undefined ? {} : { error: redactText(record.error) }),
    ...(record.warnings === undefined ? {} : { warnings: record.warnings.map(redactText) }),
  };
}
