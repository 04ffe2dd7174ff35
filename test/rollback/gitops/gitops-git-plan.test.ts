import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitopsGitSchema } from '../../../src/config/gitops-git-schema.js';
import { GitopsMirror } from '../../../src/rollback/gitops/git/gitops-mirror.js';
import { planGitRevert } from '../../../src/rollback/gitops/git/plan-git-revert.js';
import type { CommandOptions, CommandRunner } from '../../../src/rollback/ports/command-runner.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';
import {
  createGitopsRepo,
  KAIZEN_MANIFEST,
  kaizenManifest,
} from '../../support/fake-git-host/gitops-repo-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'gitops-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The local runner, recording every argv (to check they are argument vectors with no shell). */
function recordingRunner(): CommandRunner & { argvs: (readonly string[])[] } {
  const local = new LocalCommandRunner();
  const argvs: (readonly string[])[] = [];
  return {
    host: 'local',
    argvs,
    run(argv: readonly string[], options: CommandOptions) {
      argvs.push(argv);
      return local.run(argv, options);
    },
  };
}

const versions = { from: 'v0.8.0', to: 'v0.7.0' };

describe('the Git side of the hold: which commits brought the bad version', () => {
  it('names the commits from the one that left v0.7.0 to the one that set v0.8.0, newest first, and nothing else', async () => {
    const repo = createGitopsRepo(mkdtempSync(join(dir, 'a-')));
    const runner = recordingRunner();
    const mirror = new GitopsMirror({ runner, cacheDir: join(dir, 'cache-a') });
    const git = gitopsGitSchema.parse({ repo: repo.bare, path: KAIZEN_MANIFEST });
    const plan = await planGitRevert(mirror, git, { image: 'kaizen', versions, opensPullRequest: false });
    expect(plan.revert?.commits.map((c) => c.subject)).toEqual([
      'bump kaizen to v0.8.0',
      'bump kaizen to v0.8.0-rc1',
    ]);
    expect(plan.revert?.commits.map((c) => c.sha)).toEqual([
      repo.sha['bump kaizen to v0.8.0'],
      repo.sha['bump kaizen to v0.8.0-rc1'],
    ]);
    const [bad, rc] = plan.revert?.commits ?? [];
    expect(plan.warnings).toEqual([
      `Revert these commits in Git, or the CD system puts the bad version back when the hold ends: ${bad?.short} "bump kaizen to v0.8.0" (carol, 2026-12-06); ${rc?.short} "bump kaizen to v0.8.0-rc1" (carol, 2026-12-03) in ${repo.bare} (main:${KAIZEN_MANIFEST}). git revert ${bad?.short} ${rc?.short} on main.`,
    ]);
    // git log -G did the finding, each call an argument vector.
    const logs = runner.argvs.filter((argv) => argv.includes('log'));
    expect(
      logs.some((argv) => argv.includes('-G') && argv.some((a) => a.includes('kaizen:v0\\.7\\.0'))),
    ).toBe(true);
    expect(logs.some((argv) => argv.includes('-G') && argv.includes('kaizen:'))).toBe(true);
    expect(runner.argvs.every((argv) => argv[0] === 'git')).toBe(true);
  });

  it('follows the branch as it is now: a later commit in the repository is seen at the next plan (mirror fetched)', async () => {
    const repo = createGitopsRepo(mkdtempSync(join(dir, 'b-')));
    const mirror = new GitopsMirror({ runner: new LocalCommandRunner(), cacheDir: join(dir, 'cache-b') });
    const git = gitopsGitSchema.parse({ repo: repo.bare, path: KAIZEN_MANIFEST });
    const first = await planGitRevert(mirror, git, { image: 'kaizen', versions, opensPullRequest: true });
    expect(first.revert?.commits).toHaveLength(2);
    expect(first.warnings[0]).toMatch(/The bot opens the revert pull request once the rollback is done\.$/);
    repo.commit('erin', 'revert kaizen to v0.7.0 by hand', {
      [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.7.0', 3),
    });
    const second = await planGitRevert(mirror, git, { image: 'kaizen', versions, opensPullRequest: true });
    expect(second.revert).toBeUndefined();
    expect(second.warnings).toEqual([
      `GitOps repository ${repo.bare} (main:${KAIZEN_MANIFEST}) already names kaizen:v0.7.0: no commit to revert.`,
    ]);
  });

  it('a kustomization that writes the tag alone (gitops.git.match "newTag: {version}")', async () => {
    const repo = createGitopsRepo(mkdtempSync(join(dir, 'c-')));
    const path = 'apps/kaizen/kustomization.yaml';
    const kustomization = (tag: string) => `images:\n  - name: kaizen\n    newTag: ${tag}\n`;
    repo.commit('alice', 'kaizen v0.7.0 via kustomize', { [path]: kustomization('v0.7.0') });
    const bad = repo.commit('frank', 'kaizen v0.8.0 via kustomize', { [path]: kustomization('v0.8.0') });
    const mirror = new GitopsMirror({ runner: new LocalCommandRunner(), cacheDir: join(dir, 'cache-c') });
    const git = gitopsGitSchema.parse({ repo: repo.bare, path, match: 'newTag: {version}' });
    const plan = await planGitRevert(mirror, git, { image: 'kaizen', versions, opensPullRequest: false });
    expect(plan.revert?.commits.map((c) => c.sha)).toEqual([bad]);
  });

  it('without the good version in the file, names the commit that put the bad one there, and says so', async () => {
    const repo = createGitopsRepo(mkdtempSync(join(dir, 'd-')));
    const mirror = new GitopsMirror({ runner: new LocalCommandRunner(), cacheDir: join(dir, 'cache-d') });
    const git = gitopsGitSchema.parse({ repo: repo.bare, path: KAIZEN_MANIFEST });
    const plan = await planGitRevert(mirror, git, {
      image: 'kaizen',
      versions: { from: 'v0.8.0', to: 'v0.5.0' },
      opensPullRequest: false,
    });
    expect(plan.revert?.commits.map((c) => c.subject)).toEqual(['bump kaizen to v0.8.0']);
    expect(plan.warnings[0]).toContain(
      `(kaizen:v0.5.0 was never in ${KAIZEN_MANIFEST}: only the commit that put kaizen:v0.8.0 there is named)`,
    );
  });

  it('a repository that cannot be read is said in the plan and does not stop it', async () => {
    const mirror = new GitopsMirror({ runner: new LocalCommandRunner(), cacheDir: join(dir, 'cache-e') });
    const missing = join(dir, 'no-such-repo.git');
    const git = gitopsGitSchema.parse({ repo: missing, path: KAIZEN_MANIFEST });
    const plan = await planGitRevert(mirror, git, { image: 'kaizen', versions, opensPullRequest: true });
    expect(plan.revert).toBeUndefined();
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(
      new RegExp(
        `^Could not read the GitOps repository ${missing} \\(main:${KAIZEN_MANIFEST}\\) \\(git clone ${missing} failed: .+\\): find and revert the commit that set kaizen:v0\\.8\\.0 by hand`,
      ),
    );
  });

  it('refuses a repository that git would read as an option, or a path that leaves the repository', () => {
    expect(gitopsGitSchema.safeParse({ repo: '--upload-pack=touch /tmp/x', path: 'a.yaml' }).success).toBe(
      false,
    );
    expect(gitopsGitSchema.safeParse({ repo: '/srv/gitops', path: '../etc/passwd' }).success).toBe(false);
    expect(gitopsGitSchema.safeParse({ repo: '/srv/gitops', path: 'a.yaml', branch: '-b' }).success).toBe(
      false,
    );
    expect(
      gitopsGitSchema.safeParse({ repo: 'https://user:secret@git.example.com/x.git', path: 'a.yaml' })
        .success,
    ).toBe(false);
  });
});
