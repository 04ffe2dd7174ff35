import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BundleManifest } from '../bundle/bundle-manifest.js';
import { EvidenceStoreError } from '../evidence-errors.js';
import type { BundleListFilter, EvidenceStore, StoredBundle } from '../evidence-store.js';
import {
  BUNDLE_SUFFIX,
  matchesFilter,
  newBundleId,
  newestFirst,
  parseBundleId,
  tryParseBundleId,
} from '../bundle-id.js';

const SERVICE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `EVIDENCE_DIR` (default `.data/evidence`): one folder per service, one `<id>.tar.gz` per bundle. */
export class DirectoryEvidenceStore implements EvidenceStore {
  readonly description: string;
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
    this.description = `directory ${directory}`;
  }

  private file(id: string): string {
    return join(this.root, `${parseBundleId(id).id}${BUNDLE_SUFFIX}`);
  }

  async put(data: Uint8Array, manifest: BundleManifest): Promise<StoredBundle> {
    const id = newBundleId(manifest);
    const path = this.file(id);
    const temporary = `${path}.${randomBytes(4).toString('hex')}.partial`;
    await this.guard('write', async () => {
      await mkdir(join(this.root, manifest.service), { recursive: true });
      // Written aside, then renamed: a reader never sees half a bundle.
      await writeFile(temporary, data, { mode: 0o640 });
      await rename(temporary, path);
    });
    return parseBundleId(id, data.byteLength);
  }

  async list(filter: BundleListFilter = {}): Promise<StoredBundle[]> {
    if (filter.service !== undefined && !SERVICE.test(filter.service)) return [];
    const services = filter.service === undefined ? await this.entries(this.root) : [filter.service];
    const found: StoredBundle[] = [];
    for (const service of services) {
      for (const name of await this.entries(join(this.root, service))) {
        if (!name.endsWith(BUNDLE_SUFFIX)) continue;
        const bundle = tryParseBundleId(`${service}/${name.slice(0, -BUNDLE_SUFFIX.length)}`);
        if (bundle === undefined || !matchesFilter(bundle, filter)) continue;
        const size = await stat(join(this.root, service, name)).then(
          (s) => s.size,
          () => undefined,
        );
        if (size !== undefined) found.push({ ...bundle, bytes: size });
      }
    }
    return found.sort(newestFirst);
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const path = this.file(id);
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EvidenceStoreError('evidence_store_failed', `cannot read evidence bundle ${id}`, {
        cause: error,
      });
    }
  }

  async delete(id: string): Promise<void> {
    const path = this.file(id);
    await this.guard('delete', () => rm(path, { force: true }));
  }

  private async entries(directory: string): Promise<string[]> {
    try {
      return (await readdir(directory)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new EvidenceStoreError('evidence_store_failed', `cannot list ${directory}`, { cause: error });
    }
  }

  private async guard(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new EvidenceStoreError(
        code === 'EACCES' || code === 'EPERM' ? 'evidence_store_denied' : 'evidence_store_failed',
        `cannot ${what} evidence in ${this.root} (${code ?? 'error'})`,
        { cause: error, hint: 'Check EVIDENCE_DIR: it must be a directory the bot can write.' },
      );
    }
  }
}
