import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { craftBundle, packRawBundle } from '../support/crafted-bundles.js';
import { BASELINE, BROKEN, POST_ROLLBACK, hostEvidence } from '../support/evidence-scenario.js';
import { PLANTED_SECRETS, SECRETS } from '../support/planted-secrets.js';
import { runCli } from './run-cli.js';

let dir: string;
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-bundle-diff-'));
  const write = async (name: string, files: Record<string, string>, label: string, takenAt: string) =>
    writeFile(path(name), (await craftBundle({ label, takenAt, files })).data);
  await write('pre-deploy.tar.gz', hostEvidence(BASELINE), 'pre-deploy', '2025-11-22T01:00:05Z');
  await write('broken.tar.gz', hostEvidence(BROKEN), 'broken', '2025-11-22T01:40:10Z');
  await write('post-rollback.tar.gz', hostEvidence(POST_ROLLBACK), 'post-rollback', '2025-11-22T02:10:40Z');
  const leaky = hostEvidence(BROKEN);
  leaky['logs/journald.txt'] +=
    `\n2025-11-22T01:40:01+00:00 web-1 kaizen[5120]: ERROR auth with ${SECRETS.github} failed`;
  await writeFile(
    path('leaky.tar.gz'),
    await packRawBundle({ label: 'broken', takenAt: '2025-11-22T01:40:10Z', files: leaky }),
  );
  await writeFile(path('not-a-bundle.tar.gz'), 'hello');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// No REDIS_URL, Slack or catalog needed: the command reads only its two files.
const cli = (...args: string[]) => runCli(['bundle', 'diff', ...args], { SERVICES_DIR: join(dir, 'none') });

describe('rollback-bot bundle diff', () => {
  it('prints "matches" and exits 0 when the bundles differ only in timestamps and pids', async () => {
    const result = await cli(path('pre-deploy.tar.gz'), path('post-rollback.tar.gz'));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'post-rollback vs baseline: matches', stderr: '' });
  });

  it('prints what differs and exits 1; --full adds every section, --json the structure', async () => {
    const summary = await cli(path('pre-deploy.tar.gz'), path('broken.tar.gz'));
    expect(summary.exitCode).toBe(1);
    expect(summary.stdout).toMatch(
      /^broken vs baseline: matches, except: 2 new error lines, NRestarts 0 → 3, /,
    );
    expect(summary.stdout.split('\n')).toHaveLength(1);

    const full = await cli(path('pre-deploy.tar.gz'), path('broken.tar.gz'), '--full');
    expect(full.exitCode).toBe(1);
    expect(full.stdout).toContain('== journal: error lines ==');
    expect(full.stdout).toContain('== hardening ==\n  exposure 9.6 UNSAFE → 8.3 EXPOSED');

    const json = await cli(path('pre-deploy.tar.gz'), path('broken.tar.gz'), '--json');
    const parsed = JSON.parse(json.stdout) as { matches: boolean; summary: { items: string[] } };
    expect(parsed.matches).toBe(false);
    expect(parsed.summary.items).toContain('NRestarts 0 → 3');
  });

  it('exits 2 with a plain message when a file is missing or not a bundle', async () => {
    const missing = await cli(path('nope.tar.gz'), path('broken.tar.gz'));
    expect(missing).toMatchObject({ exitCode: 2, stdout: '' });
    expect(missing.stderr).toBe(`✖ cannot read ${path('nope.tar.gz')}: no such file`);
    const junk = await cli(path('pre-deploy.tar.gz'), path('not-a-bundle.tar.gz'));
    expect(junk.exitCode).toBe(2);
    expect(junk.stderr).toBe(
      `✖ ${path('not-a-bundle.tar.gz')} is not an evidence bundle: not a gzip file (.tar.gz expected)`,
    );
  });

  it('prints no secret from a bundle that was never redacted', async () => {
    const result = await cli(path('pre-deploy.tar.gz'), path('leaky.tar.gz'), '--full');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('ERROR auth with [redacted] failed');
    for (const secret of PLANTED_SECRETS) expect(result.stdout).not.toContain(secret);
  });
});
