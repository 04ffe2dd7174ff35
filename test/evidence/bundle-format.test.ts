import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../src/evidence/bundle/read-bundle.js';
import { writeBundle } from '../../src/evidence/bundle/write-bundle.js';
import { BundleUnreadableError } from '../../src/evidence/evidence-errors.js';
import { quickDiagnosis } from '../../src/evidence/quick-diagnosis.js';
import { HOST_TARGET } from '../support/crafted-bundles.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';

const subject = { service: 'kaizen', label: 'broken', jobId: 'kaizen-abc123-0001', target: HOST_TARGET };
const takenAt = new Date('2025-11-22T01:40:10Z');
const record = (name: string, files: string[]) => ({ name, ok: true, durationMs: 12, files });

async function tarGz(entries: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, content] of Object.entries(entries)) tar.entry({ name }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return promisify(gzip)(Buffer.concat(chunks));
}

describe('evidence bundle format', () => {
  it('is a tar.gz that tar itself extracts, manifest first, in the runbook layout', async () => {
    const journal = '2025-11-22T01:40:00+00:00 web-1 kaizen[5120]: ERROR boom\n';
    const written = await writeBundle({
      subject,
      takenAt,
      collectors: [record('journald', ['logs/journald.txt'])],
      files: [{ path: 'logs/journald.txt', content: journal }],
    });
    const dir = await mkdtemp(join(tmpdir(), 'bundle-tar-'));
    try {
      await writeFile(join(dir, 'b.tar.gz'), written.data);
      const listing = await execa('tar', ['tzf', join(dir, 'b.tar.gz')]);
      expect(listing.stdout.split('\n')).toEqual(['manifest.json', 'logs/journald.txt']);
      await execa('tar', ['xzf', join(dir, 'b.tar.gz'), '-C', dir]);
      expect(await readFile(join(dir, 'logs', 'journald.txt'), 'utf8')).toBe(journal);
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest).toMatchObject({
        schemaVersion: 1,
        producer: 'rollback-bot',
        service: 'kaizen',
        label: 'broken',
        jobId: 'kaizen-abc123-0001',
        takenAt: '2025-11-22T01:40:10.000Z',
        target: HOST_TARGET,
        collectors: [{ name: 'journald', ok: true, durationMs: 12, files: ['logs/journald.txt'] }],
        files: [{ path: 'logs/journald.txt', bytes: journal.length }],
        omitted: [],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts files to the size limits with a marker, keeps the newest log lines, and says so in the manifest', async () => {
    const log = Array.from(
      { length: 400 },
      (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`,
    ).join('\n');
    const written = await writeBundle({
      subject,
      takenAt,
      collectors: [],
      limits: { fileBytes: 4096, bundleBytes: 6000 },
      files: [
        { path: 'logs/journald.txt', content: log, keep: 'tail' },
        { path: 'systemd/show.txt', content: log },
        { path: 'hardening/report.txt', content: log },
      ],
    });
    const bundle = await readBundle(written.data);
    const journal = bundle.text('logs/journald.txt') ?? '';
    expect(Buffer.byteLength(journal)).toBeLessThanOrEqual(4096);
    expect(journal).toMatch(
      /^\[rollback-bot: file truncated, kept the last \d+ of 19999 bytes\]\nline \d{3} x+\n/,
    );
    expect(journal.trimEnd().endsWith(`line 399 ${'x'.repeat(40)}`)).toBe(true);
    const show = bundle.text('systemd/show.txt') ?? '';
    expect(show.startsWith('line 000')).toBe(true);
    expect(show).toMatch(/\n\[rollback-bot: file truncated, kept the first \d+ of 19999 bytes\]\n$/);
    expect(Buffer.byteLength(show)).toBeLessThanOrEqual(6000 - Buffer.byteLength(journal));
    expect(bundle.manifest.files.map((f) => [f.path, f.truncatedFrom])).toEqual([
      ['logs/journald.txt', 19999],
      ['systemd/show.txt', 19999],
    ]);
    expect(bundle.manifest.omitted).toEqual(['hardening/report.txt']);
  });

  it('redacts collector errors and warnings in the manifest and keeps it valid JSON', async () => {
    const written = await writeBundle({
      subject: { ...subject, version: 'v0.8.0' },
      takenAt,
      collectors: [
        {
          name: 'journald',
          ok: false,
          durationMs: 3,
          files: [],
          error: `ssh said: password: "${SECRETS.yamlPassword}" Authorization: Bearer ${SECRETS.bearer}`,
        },
        { name: 'files', ok: true, durationMs: 3, files: [], warnings: [`token=${SECRETS.github}`] },
      ],
      files: [],
    });
    const bundle = await readBundle(written.data);
    expect(bundle.manifest.collectors[0]?.error).toBe(
      'ssh said: password: "[redacted]" Authorization: [redacted]',
    );
    expect(bundle.manifest.collectors[1]?.warnings).toEqual(['token=[redacted]']);
    const tar = gunzipSync(written.data).toString('utf8');
    for (const secret of PLANTED_SECRETS) expect(tar).not.toContain(secret);
  });

  it('refuses what is not a bundle with a plain reason', async () => {
    const reasons = async (data: Uint8Array) =>
      readBundle(data).then(
        () => 'read',
        (error: unknown) =>
          error instanceof BundleUnreadableError ? error.message : `other: ${String(error)}`,
      );
    expect(await reasons(Buffer.from('plain text'))).toBe('not a gzip file (.tar.gz expected)');
    expect(await reasons(await promisify(gzip)(Buffer.from('not a tar')))).toBe(
      'not a tar archive inside the gzip',
    );
    expect(await reasons(await tarGz({ 'logs/journald.txt': 'x' }))).toBe('the bundle has no manifest.json');
    expect(await reasons(await tarGz({ 'manifest.json': '{"schemaVersion":2}' }))).toMatch(
      /^manifest.json does not match schema version 1/,
    );
    const written = await writeBundle({ subject, takenAt, collectors: [], files: [] });
    const manifest = (await readBundle(written.data)).manifest;
    expect(
      await reasons(await tarGz({ 'manifest.json': JSON.stringify(manifest), '../../etc/cron.d/x': 'x' })),
    ).toBe('the bundle holds an unexpected path "../../etc/cron.d/x"');
    const bomb = await promisify(gzip)(Buffer.alloc(2 * 1024 * 1024));
    expect(await readBundle(bomb, { maxUnpackedBytes: 1024 * 1024 }).catch((e: Error) => e.message)).toBe(
      'the bundle unpacks to more than 1048576 bytes',
    );
  });

  it('gives the runbook quick diagnosis: the last error and fail lines of the logs', async () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => `kaizen[1]: ${i % 2 === 0 ? 'ERROR' : 'request failed'} #${i}`,
    );
    const written = await writeBundle({
      subject,
      takenAt,
      collectors: [],
      files: [{ path: 'logs/journald.txt', content: [...lines, 'all fine'].join('\n') }],
    });
    const diagnosis = quickDiagnosis(await readBundle(written.data), 3);
    expect(diagnosis).toEqual({
      sources: ['logs/journald.txt'],
      errors: ['kaizen[1]: ERROR #24', 'kaizen[1]: ERROR #26', 'kaizen[1]: ERROR #28'],
      failures: [
        'kaizen[1]: request failed #25',
        'kaizen[1]: request failed #27',
        'kaizen[1]: request failed #29',
      ],
    });
  });
});
