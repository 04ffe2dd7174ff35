import type { GitopsMirror } from './gitops-mirror.js';

/** A commit of the GitOps repository, as the plan and the status name it. */
export interface GitopsCommit {
  sha: string;
  short: string;
  author: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
}

export interface RevertSearch {
  repo: string;
  branch: string;
  /** The file that names the version. */
  path: string;
  /** How the good and the bad version are written in it (`kaizen:v0.7.0`, `kaizen:v0.8.0`). */
  good: string;
  bad: string;
  /** A regex (ERE) for every line that names a version: the lines whose changes are version changes. */
  versionLine: string;
}

export type RevertFinding =
  /** The commits to revert, newest first: from the one that moved away from the good version to the tip. */
  | { kind: 'found'; commits: GitopsCommit[]; goodInHistory: boolean }
  /** The branch's file does not name the bad version (already reverted, or it names something else). */
  | { kind: 'not-declared'; declaresGood: boolean };

const FORMAT = '--format=%H%x09%h%x09%an%x09%cI%x09%s';

/**
 * Names the commit(s) in the GitOps repository that brought the bad version: on the branch, the newest
 * commit that took the good version out of the file (`git log -G <good>`, checked against the file at that
 * commit), and every commit since that changed a line naming a version (`git log -G <version line>`),
 * newest first, as `git revert` takes them. Without the good version in the file's history, the newest
 * commit that put the bad one in. (`-G` rather than `-S`: `v0.8.0` must not match `v0.8.0-rc1`.)
 */
export async function findRevertCommits(
  mirror: GitopsMirror,
  search: RevertSearch,
  signal?: AbortSignal,
): Promise<RevertFinding> {
  const dir = await mirror.sync(search.repo, signal);
  const ref = `refs/heads/${search.branch}`;
  const read = (rev: string) => fileAt(mirror, dir, rev, search.path, signal);
  const names = (text: string | undefined, version: string) =>
    text !== undefined && new RegExp(versionPattern(version), 'm').test(text);
  const tip = await read(ref);
  if (tip === undefined) {
    await mirror.git(['-C', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], `find ${ref}`, {
      repo: search.repo,
      ...(signal ? { signal } : {}),
    });
    return { kind: 'not-declared', declaresGood: false };
  }
  if (!names(tip, search.bad)) return { kind: 'not-declared', declaresGood: names(tip, search.good) };
  const log = (...args: string[]) =>
    mirror
      .git(['-C', dir, 'log', '--no-decorate', ...args, '--end-of-options', ref, '--', search.path], 'log', {
        repo: search.repo,
        ...(signal ? { signal } : {}),
      })
      .then((r) => parseLog(r.stdout));
  const changes = (version: string) => log(FORMAT, '--extended-regexp', '-G', versionPattern(version));
  let left: GitopsCommit | undefined;
  for (const commit of await changes(search.good)) {
    if (!names(await read(commit.sha), search.good)) {
      left = commit;
      break;
    }
  }
  if (!left) {
    for (const commit of await changes(search.bad)) {
      if (names(await read(commit.sha), search.bad)) return found([commit], false);
    }
    return found([], false);
  }
  const versionChanges = await log(FORMAT, '--extended-regexp', '-G', search.versionLine);
  const until = versionChanges.findIndex((c) => c.sha === left.sha);
  return found(until < 0 ? [left] : versionChanges.slice(0, until + 1), true);
}

function found(commits: GitopsCommit[], goodInHistory: boolean): RevertFinding {
  return { kind: 'found', commits, goodInHistory };
}

async function fileAt(
  mirror: GitopsMirror,
  dir: string,
  rev: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const result = await mirror.run(['-C', dir, 'show', `${rev}:${path}`], signal ? { signal } : {});
  return result.exitCode === 0 ? result.stdout : undefined;
}

function parseLog(stdout: string): GitopsCommit[] {
  return stdout
    .split('\n')
    .filter((line) => /^[0-9a-f]{40,64}\t/.test(line))
    .map((line) => {
      const [sha = '', short = '', author = '', date = '', ...subject] = line.split('\t');
      return { sha, short, author, date, subject: subject.join('\t') };
    });
}

/**
 * A line naming exactly this version text: not as part of a longer name or version (`kaizen:v0.8.0` is not
 * in `kaizen:v0.8.0-rc1` nor in `my-kaizen:v0.8.0`). An extended regex that JavaScript reads the same.
 */
export function versionPattern(text: string): string {
  return `(^|[^A-Za-z0-9._/-])${escapeExtendedRegex(text)}([^A-Za-z0-9._-]|$)`;
}

/** `text` as an extended regular expression that matches it literally. */
export function escapeExtendedRegex(text: string): string {
  return text.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
}
