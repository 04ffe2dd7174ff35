import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execaSync } from 'execa';

export const KAIZEN_MANIFEST = 'apps/kaizen/deployment.yaml';

export interface GitopsRepoFixture {
  /** The bare repository the bot reads and pushes to (what `gitops.git.repo` names). */
  bare: string;
  /** Commits by subject. */
  sha: Record<string, string>;
  git(...args: string[]): string;
  /** A commit on `main` of the bare repository, by `author`, writing `files`. */
  commit(author: string, subject: string, files: Record<string, string>): string;
}

/** The kaizen manifest: replicas at the top, the image at the bottom (a change to one never conflicts with the other). */
export function kaizenManifest(image: string, replicas = 2): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: kaizen',
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    '      app: kaizen',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: kaizen',
    '    spec:',
    '      containers:',
    '        - name: kaizen',
    `          image: ${image}`,
    '',
  ].join('\n');
}

/**
 * A real GitOps repository (bare, branch main) with the history of a bad deploy: kaizen v0.6.0, v0.7.0
 * (good), v0.8.0-rc1 (moves away from the good one), a change to another app, a replica change, v0.8.0.
 */
export function createGitopsRepo(dir: string): GitopsRepoFixture {
  const seed = join(dir, 'gitops-seed');
  const bare = join(dir, 'gitops.git');
  const run = (cwd: string, env: Record<string, string>, ...args: string[]): string =>
    execaSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env, stdin: 'ignore' }).stdout.trim();
  run(dir, {}, 'init', '--quiet', seed);
  const sha: Record<string, string> = {};
  let day = 1;
  const commitIn = (cwd: string, author: string, subject: string, files: Record<string, string>): string => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), text);
    }
    const date = `2026-12-0${Math.min(day++, 9)}T10:00:00Z`;
    const env = {
      GIT_AUTHOR_NAME: author,
      GIT_AUTHOR_EMAIL: `${author}@example.com`,
      GIT_COMMITTER_NAME: author,
      GIT_COMMITTER_EMAIL: `${author}@example.com`,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
    run(cwd, env, 'add', '--all');
    run(cwd, env, 'commit', '--quiet', '-m', subject);
    sha[subject] = run(cwd, env, 'rev-parse', 'HEAD');
    return sha[subject] ?? '';
  };
  commitIn(seed, 'alice', 'deploy kaizen v0.6.0', { [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.6.0') });
  commitIn(seed, 'alice', 'deploy kaizen v0.7.0', { [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.7.0') });
  commitIn(seed, 'carol', 'bump kaizen to v0.8.0-rc1', {
    [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.8.0-rc1'),
  });
  commitIn(seed, 'dave', 'deploy other v2', { 'apps/other/deployment.yaml': 'image: other:v2\n' });
  commitIn(seed, 'bob', 'scale kaizen to 3', { [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.8.0-rc1', 3) });
  commitIn(seed, 'carol', 'bump kaizen to v0.8.0', { [KAIZEN_MANIFEST]: kaizenManifest('kaizen:v0.8.0', 3) });
  run(dir, {}, 'clone', '--quiet', '--bare', seed, bare);
  const work = join(dir, 'gitops-later');
  run(dir, {}, 'clone', '--quiet', bare, work);
  return {
    bare,
    sha,
    git: (...args) => run(bare, {}, ...args),
    commit(author, subject, files) {
      const made = commitIn(work, author, subject, files);
      run(work, {}, 'push', '--quiet', 'origin', 'HEAD:main');
      return made;
    },
  };
}
