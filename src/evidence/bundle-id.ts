import { randomBytes } from 'node:crypto';
import type { BundleManifest } from './bundle/bundle-manifest.js';
import { BadBundleIdError } from './evidence-errors.js';
import type { StoredBundle } from './evidence-store.js';

/** `<service>/<yyyymmddThhmmssSSSZ>_<label>_<job or ->_<target>_<6 hex>` */
const ID =
  /^([a-z0-9][a-z0-9-]{0,62})\/(\d{8}T\d{9}Z)_([a-z0-9][a-z0-9-]{0,39})_([a-z0-9-]+)_([a-z0-9.-]{1,80})_([0-9a-f]{6})$/;
export const BUNDLE_SUFFIX = '.tar.gz';

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'unknown'
  );
}

function compactTime(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:.]/g, '');
}

function expandTime(compact: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z$/.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : compact;
}

/** A new id for a bundle: sorts by time within a service, and says what it is without opening it. */
export function newBundleId(manifest: BundleManifest): string {
  const target = manifest.target.kind === 'host' ? manifest.target.host : manifest.target.deployment;
  const job = manifest.jobId === undefined ? '-' : slug(manifest.jobId);
  return `${manifest.service}/${compactTime(manifest.takenAt)}_${manifest.label}_${job}_${slug(target)}_${randomBytes(3).toString('hex')}`;
}

/** Parses an id (throws BadBundleIdError for anything else: no path can escape the store). */
export function parseBundleId(id: string, bytes = 0): StoredBundle {
  const m = ID.exec(id);
  if (m === null) throw new BadBundleIdError(id);
  return {
    id,
    service: m[1] as string,
    takenAt: expandTime(m[2] as string),
    label: m[3] as string,
    jobId: m[4] === '-' ? undefined : m[4],
    target: m[5] as string,
    bytes,
  };
}

/** Parses an id, or undefined (for listings that may hold foreign files). */
export function tryParseBundleId(id: string, bytes = 0): StoredBundle | undefined {
  return ID.test(id) ? parseBundleId(id, bytes) : undefined;
}

export function matchesFilter(bundle: StoredBundle, filter: { service?: string; jobId?: string }): boolean {
  return (
    (filter.service === undefined || bundle.service === filter.service) &&
    (filter.jobId === undefined || bundle.jobId === filter.jobId)
  );
}

export function newestFirst(a: StoredBundle, b: StoredBundle): number {
  return b.takenAt.localeCompare(a.takenAt) || b.id.localeCompare(a.id);
}
