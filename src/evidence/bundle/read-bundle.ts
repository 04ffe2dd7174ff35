import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { BundleUnreadableError } from '../evidence-errors.js';
import { MANIFEST_PATH, bundleManifestSchema, type BundleManifest } from './bundle-manifest.js';
import { isBundlePath } from './bundle-path.js';

const gunzipAsync = promisify(gunzip);

/** A bundle opened in memory: its manifest and its files by path. */
export interface EvidenceBundle {
  manifest: BundleManifest;
  /** Every file path except the manifest, in the bundle's order. */
  paths: readonly string[];
  has(path: string): boolean;
  /** A file as UTF-8 text; undefined when the bundle has no such file. */
  text(path: string): string | undefined;
  bytes(path: string): Buffer | undefined;
}

export interface ReadBundleOptions {
  /** Largest unpacked size accepted (a gzip bomb guard). Default 64 MiB. */
  maxUnpackedBytes?: number;
}

/**
 * Opens a `.tar.gz` bundle. Throws BundleUnreadableError when it is not gzip, not tar, too big once
 * unpacked, has no valid `manifest.json` (schema and version checked) or holds a path outside the layout.
 */
export async function readBundle(data: Uint8Array, options: ReadBundleOptions = {}): Promise<EvidenceBundle> {
  const maxOutputLength = options.maxUnpackedBytes ?? 64 * 1024 * 1024;
  let tar: Buffer;
  try {
    tar = await gunzipAsync(data, { maxOutputLength });
  } catch (error) {
    const tooBig =
      error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new BundleUnreadableError(
      tooBig
        ? `the bundle unpacks to more than ${maxOutputLength} bytes`
        : 'not a gzip file (.tar.gz expected)',
      { cause: error },
    );
  }
  const files = await untar(tar);
  const manifestBytes = files.get(MANIFEST_PATH);
  if (manifestBytes === undefined) throw new BundleUnreadableError('the bundle has no manifest.json');
  const manifest = parseManifest(manifestBytes);
  files.delete(MANIFEST_PATH);
  const paths = [...files.keys()];
  return {
    manifest,
    paths,
    has: (path) => files.has(path),
    text: (path) => files.get(path)?.toString('utf8'),
    bytes: (path) => files.get(path),
  };
}

async function untar(tar: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  Readable.from([tar]).pipe(reader);
  try {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type !== 'file') continue;
      const name = entry.header.name;
      if (!isBundlePath(name))
        throw new BundleUnreadableError(`the bundle holds an unexpected path "${name.slice(0, 200)}"`);
      files.set(name, Buffer.concat(chunks));
    }
  } catch (error) {
    if (error instanceof BundleUnreadableError) throw error;
    throw new BundleUnreadableError('not a tar archive inside the gzip', { cause: error });
  }
  return files;
}

function parseManifest(bytes: Buffer): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BundleUnreadableError('manifest.json is not JSON', { cause: error });
  }
  const parsed = bundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BundleUnreadableError(
      `manifest.json does not match schema version 1 (${first?.path.join('.') || 'root'}: ${first?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}
