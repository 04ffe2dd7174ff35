import type { GitopsGitSection } from '../../../config/gitops-git-schema.js';
import { redactUrlCredentials } from '../../../config/git-remote-url.js';
import { describeError } from '../../../errors/rollback-error.js';
import { escapeExtendedRegex, findRevertCommits, type GitopsCommit } from './find-revert-commits.js';
import type { GitopsMirror } from './gitops-mirror.js';

/** The Git side of a rollback, stored with its target: the commits to revert, where. */
export interface PlannedRevert {
  repo: string;
  branch: string;
  path: string;
  /** Newest first, as `git revert` takes them. */
  commits: GitopsCommit[];
}

export interface GitRevertPlan {
  revert?: PlannedRevert;
  warnings: string[];
}

/** `kaizen:{version}` (or the service's `gitops.git.match`) with the version filled in. */
function versionText(template: string, version: string): string {
  return template.split('{version}').join(version);
}

/** The regex of a line naming some version: the template's text before `{version}`, else either version. */
function versionLine(template: string, good: string, bad: string): string {
  const prefix = template.slice(0, template.indexOf('{version}'));
  return prefix.trim() !== ''
    ? escapeExtendedRegex(prefix)
    : `${escapeExtendedRegex(good)}|${escapeExtendedRegex(bad)}`;
}

export function describeCommit(commit: GitopsCommit): string {
  return `${commit.short} "${commit.subject}" (${commit.author}, ${commit.date.slice(0, 10)})`;
}

/**
 * Reads the GitOps repository when the rollback is planned and names the commit(s) that brought the bad
 * version, for the plan ("revert these in Git, or the CD system puts the bad version back when the hold
 * ends"). A repository that cannot be read is said in the plan and never stops the rollback.
 */
export async function planGitRevert(
  mirror: GitopsMirror,
  git: GitopsGitSection,
  options: { image: string; versions: { from?: string; to?: string }; opensPullRequest: boolean },
  signal?: AbortSignal,
): Promise<GitRevertPlan> {
  const where = `${redactUrlCredentials(git.repo)} (${git.branch}:${git.path})`;
  const { from: bad, to: good } = options.versions;
  if (bad === undefined || good === undefined) {
    return {
      warnings: [
        `GitOps repository ${where}: the versions on both sides are not known, so the commits to revert are not named. Revert the change in Git by hand.`,
      ],
    };
  }
  const template = git.match ?? `${options.image}:{version}`;
  const search = {
    repo: git.repo,
    branch: git.branch,
    path: git.path,
    good: versionText(template, good),
    bad: versionText(template, bad),
    versionLine: versionLine(template, good, bad),
  };
  try {
    const finding = await findRevertCommits(mirror, search, signal);
    if (finding.kind === 'not-declared') {
      const what = finding.declaresGood ? `already names ${search.good}` : `does not name ${search.bad}`;
      return { warnings: [`GitOps repository ${where} ${what}: no commit to revert.`] };
    }
    if (finding.commits.length === 0) {
      return {
        warnings: [
          `GitOps repository ${where} names ${search.bad}, but no commit that put it there was found: revert the change in Git by hand, or the CD system puts the bad version back when the hold ends.`,
        ],
      };
    }
    const list = finding.commits.map(describeCommit).join('; ');
    const next = options.opensPullRequest
      ? 'The bot opens the revert pull request once the rollback is done.'
      : `git revert ${finding.commits.map((c) => c.short).join(' ')} on ${git.branch}.`;
    const partial = finding.goodInHistory
      ? ''
      : ` (${search.good} was never in ${git.path}: only the commit that put ${search.bad} there is named)`;
    return {
      revert: { repo: git.repo, branch: git.branch, path: git.path, commits: finding.commits },
      warnings: [
        `Revert these commits in Git, or the CD system puts the bad version back when the hold ends: ${list} in ${where}${partial}. ${next}`,
      ],
    };
  } catch (error) {
    const { message } = describeError(error);
    return {
      warnings: [
        `Could not read the GitOps repository ${where} (${message}): find and revert the commit that set ${search.bad} by hand, or the CD system puts the bad version back when the hold ends.`,
      ],
    };
  }
}
