import type { ServiceConfig } from '../../../config/service-schema.js';
import type { GitSection } from '../../../config/strategies/git-schema.js';
import { InputError } from '../../../errors/rollback-error.js';
import { suggestCommand } from '../../../errors/suggested-command.js';
import type { RollbackRequest } from '../../plan.js';
import type { RollbackStep } from '../../step.js';
import type { ResolvedPlan, Strategy, StrategyCallOptions, VersionEntry } from '../../strategy.js';
import { formatCommand } from '../host/format-command.js';
import { hostShell, type HostStepDeps } from '../host/host-shell.js';
import { resolveHostRollout } from '../host/host-rollout.js';
import { parseRequestedVersion } from '../host/parse-requested-version.js';
import { systemctlActionArgv } from '../host/systemctl-argv.js';
import { withSudo } from '../host/with-sudo.js';
import { ABBREVIATED_SHA, gitArgv } from './git-argv.js';
import { workTreeModified } from './git-errors.js';
import { GitRepository, type GitTag } from './git-repository.js';
import { gitSection } from './git-section.js';
import { gitSteps } from './git-steps.js';
import type { GitTarget } from './git-target.js';

/**
 * Runbook option D: the app is a git work tree; roll back = `git checkout <good tag or commit>` and restart
 * the service, on each of the service's hosts. Versions are read from the first host.
 */
export class GitStrategy implements Strategy {
  readonly name = 'git';

  constructor(private readonly deps: HostStepDeps) {}

  supports(service: ServiceConfig): boolean {
    return service.git !== undefined;
  }

  async listVersions(service: ServiceConfig, options: StrategyCallOptions = {}): Promise<VersionEntry[]> {
    const { git, repo } = await this.open(service, options);
    if (git.remote) await repo.fetchTags();
    const head = await repo.head();
    const tags = (await repo.tags(git.tagPattern)).slice(0, 10);
    const commits = await repo.recentCommits(5);
    return [
      ...tags.map((tag) => ({
        id: tag.name,
        description: `tag ${tag.name}: ${tag.sha.slice(0, 7)}, ${tag.age}`,
        ...(tag.sha === head ? { current: true } : {}),
      })),
      ...commits.map((commit) => ({
        id: commit.short,
        description: `commit ${commit.short}: ${commit.subject}, ${commit.age}`,
        ...(commit.sha === head ? { current: true } : {}),
      })),
    ];
  }

  async resolve(
    service: ServiceConfig,
    request: RollbackRequest,
    options: StrategyCallOptions = {},
  ): Promise<ResolvedPlan> {
    const requested = parseRequestedVersion(request.version);
    const { git, repo, hosts } = await this.open(service, options);
    if (git.remote) await repo.fetchTags();
    const head = await repo.head();
    const modified = await repo.modifiedFiles();
    if (modified.length > 0) throw workTreeModified(repo.shell.host, git.path, modified, 'input');

    const tags = await repo.tags(git.tagPattern);
    const fromLabel = (await repo.exactTag(git.tagPattern, head)) ?? head.slice(0, 7);
    const target =
      requested === undefined
        ? await this.previous(repo, git, head, fromLabel, tags)
        : await this.find(repo, requested, tags);
    if (target.sha === head) {
      throw new InputError(
        'already_current',
        `${git.path} is already at ${target.version} (${head.slice(0, 7)})`,
        { hint: 'Pick an older version from the list.', next: [suggestCommand('versions', service.name)] },
      );
    }
    const gitTarget: GitTarget = { ...target, fromSha: head, fromLabel };
    const restart = restartArgv(git);
    return {
      from: `${fromLabel} (${head.slice(0, 7)})`,
      to: `${target.version} (${target.sha.slice(0, 7)})`,
      target: { ...gitTarget },
      versions: { from: fromLabel, to: target.version },
      actions: hosts.flatMap((host) => [
        {
          target: host.name,
          description: formatCommand(gitArgv(git.path, 'checkout', '--detach', target.sha, '--')),
        },
        ...(restart === undefined ? [] : [{ target: host.name, description: formatCommand(restart) }]),
      ]),
    };
  }

  steps(service: ServiceConfig, target: Record<string, unknown>): RollbackStep[] {
    return gitSteps(this.deps, service, target);
  }

  private async open(service: ServiceConfig, options: StrategyCallOptions) {
    const git = gitSection(service);
    const { hosts } = resolveHostRollout(service);
    const first = hosts[0] ?? { name: 'local' };
    return { git, hosts, repo: new GitRepository(hostShell(this.deps, first, options.signal), git.path) };
  }

  /** "previous": the release tag before the current one (or the nearest tag below an untagged HEAD). */
  private async previous(
    repo: GitRepository,
    git: GitSection,
    head: string,
    fromLabel: string,
    tags: GitTag[],
  ) {
    const index = tags.findIndex((tag) => tag.name === fromLabel);
    const nearest =
      index >= 0
        ? tags.slice(index + 1).find((tag) => tag.sha !== head)
        : await this.nearestBelow(repo, git, head, tags);
    if (nearest === undefined) {
      throw new InputError(
        'no_previous_version',
        `no release tag (${git.tagPattern}) before ${fromLabel} in ${git.path}`,
        {
          hint: 'Name the version or commit to roll back to.',
        },
      );
    }
    return { version: nearest.name, kind: 'tag' as const, sha: nearest.sha };
  }

  private async nearestBelow(
    repo: GitRepository,
    git: GitSection,
    head: string,
    tags: GitTag[],
  ): Promise<GitTag | undefined> {
    const name = await repo.nearestTag(git.tagPattern);
    return tags.find((tag) => tag.name === name && tag.sha !== head);
  }

  private async find(repo: GitRepository, version: string, tags: GitTag[]) {
    const tagSha = await repo.commitOf(`refs/tags/${version}`);
    if (tagSha !== undefined) return { version, kind: 'tag' as const, sha: tagSha };
    const commitSha = ABBREVIATED_SHA.test(version) ? await repo.commitOf(version) : undefined;
    if (commitSha !== undefined) return { version, kind: 'commit' as const, sha: commitSha };
    const known = tags.slice(0, 10).map((tag) => tag.name);
    throw new InputError(
      'unknown_version',
      `"${version}" is neither a tag nor a commit in ${repo.path} on ${repo.shell.host}`,
      {
        hint:
          known.length > 0
            ? `Recent tags: ${known.join(', ')}.`
            : 'The repository has no release tags; name a commit id.',
        details: known,
      },
    );
  }
}

/** The argv that restarts the service: the section's `restart:` argv, else `systemctl restart <unit>`. */
export function restartArgv(git: GitSection): string[] | undefined {
  if (git.restart !== undefined) return withSudo(git.restart, git.sudo);
  return git.unit === undefined ? undefined : systemctlActionArgv('restart', git.unit, git.sudo);
}
