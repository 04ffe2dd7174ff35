import type { ServiceConfig } from '../../config/service-schema.js';
import { redactUrlCredentials } from '../../config/git-remote-url.js';
import { describeError } from '../../errors/rollback-error.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { CommandRunner } from '../ports/command-runner.js';
import type { RollbackIndex } from '../ports/rollback-queue.js';
import type { Strategy, VersionEntry } from '../strategy.js';
import { GitTagSource } from './git-tag-source.js';
import {
  findLastKnownGood,
  markLastKnownGood,
  successfulRollbacks,
  type LastKnownGood,
  type RollbackMove,
} from './last-known-good.js';

export interface ServiceVersionsOptions {
  index: RollbackIndex;
  /** The bot's own rollback history; absent: the last known good comes from the strategy's history only. */
  audit?: AuditLog;
  /** Runs `git ls-remote` for services with `versions.git`; absent: git tags are not listed. */
  gitRunner?: CommandRunner;
}

/** What `versions <service>` shows: the entries (last known good marked) and what could not be read. */
export interface VersionListing {
  entries: VersionEntry[];
  /** Sources that did not answer ("git tags of … could not be read: …"), said plainly. */
  notes: string[];
  lastKnownGood?: LastKnownGood;
}

/** How many git tags `versions` lists (newest first). */
const GIT_TAGS_SHOWN = 20;

/**
 * The versions of a service from every source: the strategy's (deployment or release history, `tags:`,
 * packages, backups), then the tags of its git repository (`versions.git`, `git ls-remote`, cached), with
 * the last known good one marked from the strategy's history and the bot's own rollback history.
 */
export class ServiceVersions {
  private readonly tagSources = new Map<number, GitTagSource>();

  constructor(private readonly options: ServiceVersionsOptions) {}

  async list(service: ServiceConfig, strategy: Strategy, signal?: AbortSignal): Promise<VersionListing> {
    const [listed, git] = await Promise.all([
      strategy.listVersions(service, signal ? { signal } : {}),
      this.gitTags(service, signal),
    ]);
    const ids = new Set(listed.map((entry) => entry.id));
    const entries = [...listed, ...git.entries.filter((entry) => !ids.has(entry.id))];
    const moves = await this.moves(service.name, git.notes);
    const lastKnownGood = findLastKnownGood(entries, moves);
    return {
      entries: markLastKnownGood(entries, lastKnownGood),
      notes: git.notes,
      ...(lastKnownGood ? { lastKnownGood } : {}),
    };
  }

  /** The last known good version from the strategy's list and the rollback history (no git tags asked). */
  async lastKnownGood(
    service: ServiceConfig,
    strategy: Strategy,
    signal?: AbortSignal,
  ): Promise<LastKnownGood | undefined> {
    const entries = await strategy.listVersions(service, signal ? { signal } : {});
    return findLastKnownGood(entries, await this.moves(service.name, []));
  }

  private async moves(service: string, notes: string[]): Promise<RollbackMove[]> {
    const audit = this.options.audit;
    if (!audit) return [];
    return successfulRollbacks(audit, this.options.index, service).catch((error: unknown) => {
      notes.push(`The bot's rollback history could not be read: ${describeError(error).message}`);
      return [];
    });
  }

  private async gitTags(
    service: ServiceConfig,
    signal: AbortSignal | undefined,
  ): Promise<{ entries: VersionEntry[]; notes: string[] }> {
    const git = service.versions?.git;
    const runner = this.options.gitRunner;
    if (!git || !runner) return { entries: [], notes: [] };
    const where = redactUrlCredentials(git.repository);
    try {
      const list = await this.tagSource(runner, git.cacheTtl).listTags(git.repository, {
        pattern: git.tagPattern,
        ...(signal ? { signal } : {}),
      });
      const entries = list.tags.slice(0, GIT_TAGS_SHOWN).map((tag) => ({
        id: tag.name,
        description: `git tag ${tag.name} in ${where} (${tag.objectId.slice(0, 7)})`,
      }));
      return { entries, notes: [] };
    } catch (error) {
      return {
        entries: [],
        notes: [`The git tags of ${where} could not be read: ${describeError(error).message}`],
      };
    }
  }

  private tagSource(runner: CommandRunner, ttlSeconds: number): GitTagSource {
    let source = this.tagSources.get(ttlSeconds);
    if (!source) {
      source = new GitTagSource({ runner, ttlMs: ttlSeconds * 1000 });
      this.tagSources.set(ttlSeconds, source);
    }
    return source;
  }
}
