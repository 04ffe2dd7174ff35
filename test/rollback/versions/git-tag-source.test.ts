import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../src/rollback/ports/command-runner.js';
import { GitTagSource } from '../../../src/rollback/versions/git-tag-source.js';
import { tagPatternMatcher } from '../../../src/rollback/versions/tag-pattern.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';

let dir: string;
let repo: string;
let url: string;

const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (
    await execa(
      'git',
      [
        '-c',
        'user.name=Release Bot',
        '-c',
        'user.email=release@example.com',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      {
        cwd,
        stdin: 'ignore',
      },
    )
  ).stdout.trim();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'git-tags-'));
  repo = join(dir, 'kaizen');
  await git(dir, 'init', '--quiet', repo);
  for (const [i, tag] of [
    'v0.7.0',
    'v0.9.0',
    'v0.10.0-rc.1',
    'v0.10.0',
    'release-42',
    'v1.0.0-rc.1',
  ].entries()) {
    await writeFile(join(repo, 'VERSION'), `${tag}\n`);
    await git(repo, 'add', 'VERSION');
    await git(repo, 'commit', '--quiet', '-m', `release ${tag}`);
    if (i % 2 === 0) await git(repo, 'tag', tag);
    else await git(repo, 'tag', '-a', '-m', `Release ${tag}`, tag);
  }
  url = `file://${repo}`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The local runner, counting the commands it runs (a port decorator, not a mock: git really runs). */
function countingRunner(): CommandRunner & { argvs: (readonly string[])[] } {
  const inner = new LocalCommandRunner();
  const argvs: (readonly string[])[] = [];
  return {
    host: inner.host,
    argvs,
    run: (argv, options) => {
      argvs.push(argv);
      return inner.run(argv, options);
    },
  };
}

describe('GitTagSource against a real git repository', () => {
  it("lists the runbook's v* tags newest first, lightweight and annotated alike", async () => {
    const source = new GitTagSource({ runner: new LocalCommandRunner() });

    const list = await source.listTags(url);

    expect(list.tags.map((t) => t.name)).toEqual([
      'v1.0.0-rc.1',
      'v0.10.0',
      'v0.10.0-rc.1',
      'v0.9.0',
      'v0.7.0',
    ]);
    expect(list.tags.every((t) => /^[0-9a-f]{40}$/.test(t.objectId))).toBe(true);
    const annotated = await git(repo, 'rev-parse', 'refs/tags/v0.9.0');
    expect(list.tags.find((t) => t.name === 'v0.9.0')?.objectId).toBe(annotated);
  });

  it('filters by the configured pattern', async () => {
    const source = new GitTagSource({ runner: new LocalCommandRunner() });

    await expect(source.listTags(url, { pattern: 'release-*' })).resolves.toMatchObject({
      tags: [{ name: 'release-42' }],
    });
    const names = (await source.listTags(url, { pattern: 'v0.1[0-9].*' })).tags.map((t) => t.name);
    expect(names).toEqual(['v0.10.0', 'v0.10.0-rc.1']);
  });

  it('runs git once per URL within the TTL, then asks the remote again and sees new tags', async () => {
    let now = 1_000_000;
    const runner = countingRunner();
    const source = new GitTagSource({ runner, ttlMs: 60_000, now: () => now });

    await source.listTags(url);
    await git(repo, 'tag', 'v2.0.0');
    const cached = await source.listTags(url, { pattern: 'v*' });
    expect(cached.tags.map((t) => t.name)).not.toContain('v2.0.0');
    expect(runner.argvs).toEqual([
      ['git', '-c', 'protocol.ext.allow=never', 'ls-remote', '--tags', '--refs', '--', url],
    ]);

    now += 60_000;
    const fresh = await source.listTags(url);
    expect(fresh.tags[0]?.name).toBe('v2.0.0');
    expect(fresh.fetchedAt.getTime()).toBe(now);
    expect(runner.argvs).toHaveLength(2);
    await git(repo, 'tag', '-d', 'v2.0.0');
  });

  it('asks once for concurrent listings and remembers a bounded number of remotes', async () => {
    const runner = countingRunner();
    const source = new GitTagSource({ runner, maxEntries: 1 });
    const other = `file://${repo}/.git`;

    await Promise.all([source.listTags(url), source.listTags(url), source.listTags(url)]);
    expect(runner.argvs).toHaveLength(1);
    await source.listTags(other);
    await source.listTags(url);
    expect(runner.argvs).toHaveLength(3);
  });

  it('says plainly when the repository does not exist, and never runs git for an option-like URL', async () => {
    const runner = countingRunner();
    const source = new GitTagSource({ runner });

    await expect(source.listTags(`file://${dir}/missing`)).rejects.toMatchObject({
      code: 'git_remote_rejected',
      message: expect.stringContaining(`Cannot list the tags of file://${dir}/missing`),
    });
    await expect(source.listTags('--upload-pack=touch /tmp/pwned')).rejects.toMatchObject({
      code: 'git_url_invalid',
    });
    await expect(source.listTags('https://bot:s3cret@git.example.com/kaizen.git')).rejects.toMatchObject({
      code: 'git_url_invalid',
      message:
        'The git repository https://[redacted]@git.example.com/kaizen.git must not contain a password (configure git credentials for the bot instead).',
    });
    expect(runner.argvs).toHaveLength(1);
  });
});

describe('tag patterns', () => {
  it.each([
    ['v*', 'v1.2.3', true],
    ['v*', 'release/v1', false],
    ['v*', 'v2/rc', true],
    ['v?.*', 'v1.0', true],
    ['v?.*', 'v10.0', false],
    ['v[0-9]*', 'vx', false],
    ['v[!0-9]*', 'vx', true],
    ['release-\\*', 'release-*', true],
    ['release-\\*', 'release-1', false],
    ['a.b', 'axb', false],
  ])('%s on %s is %s', (pattern, name, expected) => {
    expect(tagPatternMatcher(pattern)(name)).toBe(expected);
  });
});
