import { VERSION_PATTERN } from '../../../config/service-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { HostShell } from '../host/host-shell.js';
import { FULL_SHA, gitArgv } from './git-argv.js';

export interface GitTag {
  name: string;
  sha: string;
  /** "2 days ago" */
  age: string;
}

export interface GitCommit {
  sha: string;
  short: string;
  age: string;
  subject: string;
}

/** Read-only questions to one host's work tree; every argv is `git -C <path> ...`. */
export class GitRepository {
  constructor(
    readonly shell: HostShell,
    readonly path: string,
  ) {}

  async head(): Promise<string> {
    const result = await this.shell.probe(gitArgv(this.path, 'rev-parse', '--verify', 'HEAD'));
    const sha = result.stdout.trim();
    if (result.exitCode !== 0 || !FULL_SHA.test(sha)) {
      throw new PermanentError(
        'not_a_git_work_tree',
        `${this.path} on ${this.shell.host} is not a git work tree with a commit checked out`,
        {
          details: result.stderr.trim().split('\n').filter(Boolean),
          hint: "Check git.path in the service YAML, and that the worker's user may read the repository there.",
        },
      );
    }
    return sha;
  }

  /** The release tag pointing exactly at `sha` (matching the pattern), if any. */
  async exactTag(pattern: string, sha: string): Promise<string | undefined> {
    const result = await this.shell.probe(
      gitArgv(this.path, 'describe', '--tags', '--exact-match', '--match', pattern, sha),
    );
    const tag = result.stdout.trim();
    return result.exitCode === 0 && tag !== '' ? tag : undefined;
  }

  /** Tracked files with local changes (`git status --porcelain`, untracked files ignored). */
  async modifiedFiles(): Promise<string[]> {
    const result = await this.shell.run(gitArgv(this.path, 'status', '--porcelain', '--untracked-files=no'), {
      purpose: 'read the work tree status',
    });
    return result.stdout.split('\n').filter((line) => line.trim() !== '');
  }

  /** Release tags matching the pattern, highest version first; names that are not valid versions are left out. */
  async tags(pattern: string): Promise<GitTag[]> {
    const format = '--format=%(refname:strip=2)%09%(*objectname)%09%(objectname)%09%(creatordate:relative)';
    const result = await this.shell.run(
      gitArgv(this.path, 'tag', '--list', '--sort=-v:refname', format, '--', pattern),
      {
        purpose: 'list tags',
      },
    );
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', peeled = '', object = '', age = ''] = line.split('\t');
        return { name, sha: peeled || object, age };
      })
      .filter((tag) => VERSION_PATTERN.test(tag.name) && !tag.name.startsWith('-') && FULL_SHA.test(tag.sha));
  }

  async recentCommits(count: number): Promise<GitCommit[]> {
    const result = await this.shell.run(
      gitArgv(
        this.path,
        'log',
        '--no-decorate',
        '--format=%H%x09%h%x09%cr%x09%s',
        '-n',
        String(count),
        '--end-of-options',
        'HEAD',
      ),
      { purpose: 'list recent commits' },
    );
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', short = '', age = '', ...subject] = line.split('\t');
        return { sha, short, age, subject: subject.join('\t') };
      });
  }

  /** The commit a tag (`refs/tags/<name>`) or commit id names, or undefined when there is none. */
  async commitOf(ref: string): Promise<string | undefined> {
    const result = await this.shell.probe(
      gitArgv(this.path, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`),
    );
    const sha = result.stdout.trim();
    return result.exitCode === 0 && FULL_SHA.test(sha) ? sha : undefined;
  }

  /** The nearest release tag reachable from HEAD (`git describe --tags --abbrev=0`). */
  async nearestTag(pattern: string): Promise<string | undefined> {
    const result = await this.shell.probe(
      gitArgv(this.path, 'describe', '--tags', '--abbrev=0', '--match', pattern, 'HEAD'),
    );
    const tag = result.stdout.trim();
    return result.exitCode === 0 && VERSION_PATTERN.test(tag) ? tag : undefined;
  }

  async fetchTags(): Promise<void> {
    await this.shell.run(gitArgv(this.path, 'fetch', '--quiet', '--tags', '--', 'origin'), {
      purpose: 'fetch tags from origin',
      hint: 'Check that the host can reach the git remote (or set git.remote: false).',
    });
  }
}
