import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type {
  BundleManifest,
  BundleTarget,
  CollectorRecord,
} from '../../src/evidence/bundle/bundle-manifest.js';
import { readBundle, type EvidenceBundle } from '../../src/evidence/bundle/read-bundle.js';
import { writeBundle } from '../../src/evidence/bundle/write-bundle.js';

export const HOST_TARGET: BundleTarget = { kind: 'host', host: 'web-1', unit: 'kaizen.service' };

export interface CraftedBundle {
  label: string;
  takenAt: string;
  files: Record<string, string>;
  target?: BundleTarget;
  collectors?: CollectorRecord[];
  version?: string;
}

function records(files: Record<string, string>): CollectorRecord[] {
  return Object.keys(files).map((path) => ({
    name: path.split('/')[0] ?? path,
    ok: true,
    durationMs: 5,
    files: [path],
  }));
}

/** A bundle written by the production writer (so redacted and size-limited) from crafted files. */
export async function craftBundle(spec: CraftedBundle): Promise<{ data: Buffer; bundle: EvidenceBundle }> {
  const written = await writeBundle({
    subject: {
      service: 'kaizen',
      label: spec.label,
      target: spec.target ?? HOST_TARGET,
      ...(spec.version ? { version: spec.version } : {}),
    },
    takenAt: new Date(spec.takenAt),
    collectors: spec.collectors ?? records(spec.files),
    files: Object.entries(spec.files).map(([path, content]) => ({ path, content })),
  });
  return { data: written.data, bundle: await readBundle(written.data) };
}

/**
 * A bundle packed by hand with no redaction at all, as an older bot or another tool might have made it:
 * the diff must still keep its secrets out of what it prints.
 */
export async function packRawBundle(spec: CraftedBundle): Promise<Buffer> {
  const manifest: BundleManifest = {
    schemaVersion: 1,
    producer: 'some-other-tool',
    service: 'kaizen',
    label: spec.label,
    takenAt: spec.takenAt,
    target: spec.target ?? HOST_TARGET,
    collectors: spec.collectors ?? records(spec.files),
    files: Object.entries(spec.files).map(([path, content]) => ({ path, bytes: Buffer.byteLength(content) })),
    limits: { fileBytes: 1 << 20, bundleBytes: 8 << 20 },
    omitted: [],
  };
  const tar = pack();
  tar.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
  for (const [path, content] of Object.entries(spec.files)) tar.entry({ name: path }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return promisify(gzip)(Buffer.concat(chunks));
}
