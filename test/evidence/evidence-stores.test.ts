import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../src/evidence/bundle/bundle-manifest.js';
import { readBundle } from '../../src/evidence/bundle/read-bundle.js';
import {
  BadBundleIdError,
  EvidenceStoreError,
  EvidenceStoreUnavailableError,
} from '../../src/evidence/evidence-errors.js';
import { applyRetention, type EvidenceStore } from '../../src/evidence/evidence-store.js';
import { DirectoryEvidenceStore } from '../../src/evidence/stores/directory-evidence-store.js';
import { S3EvidenceStore } from '../../src/evidence/stores/s3-evidence-store.js';
import { craftBundle } from '../support/crafted-bundles.js';
import {
  S3_ACCESS_KEY_ID,
  S3_REGION,
  S3_SECRET,
  startLocalS3,
  type LocalS3,
} from '../support/s3/start-s3.js';

async function bundle(label: string, takenAt: string, service = 'kaizen', jobId?: string) {
  const crafted = await craftBundle({
    label,
    takenAt,
    files: { 'logs/journald.txt': `${label} at ${takenAt}\n` },
  });
  const manifest: BundleManifest = {
    ...crafted.bundle.manifest,
    service,
    ...(jobId === undefined ? {} : { jobId }),
  };
  return { data: crafted.data, manifest };
}

/** The behaviour both adapters share, run against each. */
function storeContract(make: () => Promise<EvidenceStore>): void {
  it('keeps, lists (newest first, by service or job), serves and deletes bundles', async () => {
    const store = await make();
    const base = await bundle('pre-deploy', '2025-11-22T01:00:00.000Z', 'kaizen');
    const broken = await bundle('broken', '2025-11-22T02:00:00.000Z', 'kaizen', 'kaizen-mbx1k2-7f3q');
    const after = await bundle('post-rollback', '2025-11-22T02:30:00.000Z', 'kaizen', 'kaizen-mbx1k2-7f3q');
    const other = await bundle('pre-deploy', '2025-11-22T01:30:00.000Z', 'billing');
    const stored = [];
    for (const b of [base, broken, after, other]) stored.push(await store.put(b.data, b.manifest));
    expect(stored[1]).toMatchObject({
      service: 'kaizen',
      label: 'broken',
      jobId: 'kaizen-mbx1k2-7f3q',
      takenAt: '2025-11-22T02:00:00.000Z',
      target: 'web-1',
      bytes: broken.data.length,
    });
    expect((await store.list({ service: 'kaizen' })).map((b) => b.label)).toEqual([
      'post-rollback',
      'broken',
      'pre-deploy',
    ]);
    expect((await store.list({ jobId: 'kaizen-mbx1k2-7f3q' })).map((b) => b.label)).toEqual([
      'post-rollback',
      'broken',
    ]);
    expect((await store.list()).map((b) => `${b.service}:${b.label}`)).toEqual([
      'kaizen:post-rollback',
      'kaizen:broken',
      'billing:pre-deploy',
      'kaizen:pre-deploy',
    ]);
    const listed = (await store.list({ service: 'kaizen' }))[1]!;
    expect(listed.bytes).toBe(broken.data.length);
    const fetched = await store.get(listed.id);
    expect((await readBundle(fetched!)).manifest.label).toBe('broken');

    await store.delete(listed.id);
    await store.delete(listed.id);
    expect(await store.get(listed.id)).toBeUndefined();
    expect((await store.list({ service: 'kaizen' })).map((b) => b.label)).toEqual([
      'post-rollback',
      'pre-deploy',
    ]);
  });

  it('applies retention: the newest N per service, none older than D days', async () => {
    const store = await make();
    const times = [
      '2025-11-01T00:00:00.000Z',
      '2025-11-20T00:00:00.000Z',
      '2025-11-21T00:00:00.000Z',
      '2025-11-22T00:00:00.000Z',
    ];
    for (const t of times) {
      const b = await bundle('pre-deploy', t);
      await store.put(b.data, b.manifest);
    }
    const old = await bundle('pre-deploy', '2025-10-01T00:00:00.000Z', 'billing');
    await store.put(old.data, old.manifest);
    const removed = await applyRetention(
      store,
      { keepPerService: 2, maxAgeDays: 30 },
      new Date('2025-11-22T12:00:00Z'),
    );
    expect(removed.map((b) => `${b.service} ${b.takenAt}`).sort()).toEqual([
      'billing 2025-10-01T00:00:00.000Z',
      'kaizen 2025-11-01T00:00:00.000Z',
      'kaizen 2025-11-20T00:00:00.000Z',
    ]);
    expect((await store.list()).map((b) => b.takenAt)).toEqual([
      '2025-11-22T00:00:00.000Z',
      '2025-11-21T00:00:00.000Z',
    ]);
  });

  it('refuses ids that try to leave the store', async () => {
    const store = await make();
    for (const id of [
      '../../etc/passwd',
      'kaizen/../../x',
      'kaizen/20251122T010000000Z_broken_-_web-1_abcdef/../x',
    ]) {
      await expect(store.get(id)).rejects.toBeInstanceOf(BadBundleIdError);
      await expect(store.delete(id)).rejects.toBeInstanceOf(BadBundleIdError);
    }
  });
}

describe('DirectoryEvidenceStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-dir-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  storeContract(async () => new DirectoryEvidenceStore(dir));

  it('writes one file per bundle under its service, and ignores files it did not write', async () => {
    const store = new DirectoryEvidenceStore(dir);
    const b = await bundle('broken', '2025-11-22T02:00:00.000Z');
    const stored = await store.put(b.data, b.manifest);
    await writeFile(join(dir, 'kaizen', 'notes.txt'), 'hello');
    expect(await readdir(join(dir, 'kaizen'))).toEqual(
      [`${stored.id.split('/')[1]}.tar.gz`, 'notes.txt'].sort(),
    );
    expect((await store.list()).map((s) => s.id)).toEqual([stored.id]);
  });

  it('says plainly when the directory cannot be written', async () => {
    await writeFile(join(dir, 'kaizen'), 'a file where the service folder should be');
    const b = await bundle('broken', '2025-11-22T02:00:00.000Z');
    await expect(new DirectoryEvidenceStore(dir).put(b.data, b.manifest)).rejects.toBeInstanceOf(
      EvidenceStoreError,
    );
  });
});

describe('S3EvidenceStore against s3rver behind a SigV4 check', () => {
  let s3: LocalS3;
  let prefixCount = 0;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3?.close();
  });
  const s3Store = (extra: Partial<ConstructorParameters<typeof S3EvidenceStore>[0]> = {}) =>
    new S3EvidenceStore({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: S3_REGION,
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: S3_SECRET,
      prefix: `test-${++prefixCount}/evidence/`,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      ...extra,
    });

  storeContract(async () => s3Store());

  it('signs every request (SigV4, payload hash included)', async () => {
    const store = s3Store();
    const before = s3.verified.length;
    const b = await bundle('broken', '2025-11-22T02:00:00.000Z');
    const stored = await store.put(b.data, b.manifest);
    await store.list({ service: 'kaizen' });
    await store.get(stored.id);
    expect(s3.verified.slice(before).map((r) => r.split(' ')[0])).toEqual(['PUT', 'GET', 'GET']);
    expect(s3.refused).toEqual([]);
  });

  it('is refused with a clear error when the secret is wrong', async () => {
    const store = s3Store({ secretAccessKey: 'not-the-secret' });
    const b = await bundle('broken', '2025-11-22T02:00:00.000Z');
    const error = await store.put(b.data, b.manifest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceStoreError);
    expect((error as EvidenceStoreError).code).toBe('evidence_store_denied');
    expect((error as Error).message).toMatch(/answered 403 SignatureDoesNotMatch to PUT/);
    expect((error as Error).message).not.toContain('not-the-secret');
  });

  it('retries a 503 and then succeeds; gives up with a retryable error when it lasts', async () => {
    const store = s3Store();
    s3.failNext(2);
    expect(await store.list()).toEqual([]);
    s3.failNext(3);
    await expect(store.list()).rejects.toBeInstanceOf(EvidenceStoreUnavailableError);
  });

  it('pages through long listings', async () => {
    const store = s3Store({ pageSize: 10 });
    const b = await bundle('pre-deploy', '2025-11-22T01:00:00.000Z');
    for (let i = 0; i < 25; i++) {
      await store.put(new Uint8Array([i]), {
        ...b.manifest,
        takenAt: new Date(Date.UTC(2025, 10, 1, 0, 0, i)).toISOString(),
      });
    }
    const listed = await store.list({ service: 'kaizen' });
    expect(listed).toHaveLength(25);
    expect(listed[0]?.takenAt).toBe('2025-11-01T00:00:24.000Z');
    expect(s3.verified.filter((r) => r.includes('continuation-token')).length).toBe(2);
  });
});
