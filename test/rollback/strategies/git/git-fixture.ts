import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';

export interface GitFixture {
  bare: string;
  /** The work tree the strategy rolls back (a clone of `bare`, at v0.8.0 on main). */
  work: string;
  /** Commit of each tag. */
  sha: Record<'v0.6.0' | 'v0.7.0' | 'v0.8.0', string>;
  git(cwd: string, ...args: string[]): string;
}

const IDENTITY = [
  '-c',
  'user.name=Release Bot',
  '-c',
  'user.email=release@example.com',
  '-c',
  'init.defaultBranch=main',
];

/** A real bare repository with tags v0.6.0 (lightweight), v0.7.0 and v0.8.0 (annotated), cloned into a work tree. */
export function createGitFixture(dir: string): GitFixture {
  const git = (cwd: string, ...args: string[]): string =>
    execaSync('git', [...IDENTITY, ...args], { cwd, stdin: 'ignore' }).stdout.trim();
  const seed = join(dir, 'seed');
  const bare = join(dir, 'app.git');
  const work = join(dir, 'srv-app');
  git(dir, 'init', '--quiet', seed);
  const sha = {} as GitFixture['sha'];
  for (const version of ['v0.6.0', 'v0.7.0', 'v0.8.0'] as const) {
    writeFileSync(join(seed, 'VERSION'), `${version}\n`);
    writeFileSync(join(seed, 'app.js'), `console.log('app ${version}');\n`);
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', `release ${version}`);
    if (version === 'v0.6.0') git(seed, 'tag', version);
    else git(seed, 'tag', '-a', '-m', `Release ${version}`, version);
    sha[version] = git(seed, 'rev-parse', 'HEAD');
  }
  git(dir, 'clone', '--quiet', '--bare', seed, bare);
  git(dir, 'clone', '--quiet', bare, work);
  return { bare, work, sha, git };
}
