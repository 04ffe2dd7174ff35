import { PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type { CommandRunner } from '../ports/command-runner.js';
import { sortVersionsNewestFirst } from './compare-versions.js';
import { gitRemoteUrlProblem, redactUrlCredentials } from '../../config/git-remote-url.js';
import { tagPatternMatcher } from './tag-pattern.js';

export interface GitTag {
  name: string;
  /** The object the tag ref points at (the tag object for annotated tags, else the commit). */
  objectId: string;
}

export interface GitTagList {
  /** Tags matching the pattern, newest version first. */
  tags: GitTag[];
  /** When the remote was asked (a cached list may be up to the TTL old). */
  fetchedAt: Date;
}

export interface GitTagSourceOptions {
  /** Runs `git` (locally, normally). */
  runner: CommandRunner;
  /** How long a remote's tags are reused. Default 5 minutes. */
  ttlMs?: number;
  /** How many remotes are remembered; the least recently used goes first. Default 100. */
  maxEntries?: number;
  /** Timeout of one `git ls-remote`. Default 30 s. */
  timeoutMs?: number;
  now?: () => number;
}

interface Entry {
  fetchedAt: number;
  tags: GitTag[];
}

const TAG_LINE = /^([0-9a-f]{40}|[0-9a-f]{64})\trefs\/tags\/(.+)$/;
const UNREACHABLE =
  /could not resolve host|connection (refused|timed out|reset)|timed out|network is unreachable|temporary failure|early EOF|RPC failed|HTTP 5\d\d|returned error: 5\d\d/i;

/** Parses `git ls-remote --tags --refs` output into tags (peeled `^{}` lines and other refs are skipped). */
export function parseLsRemoteTags(stdout: string): GitTag[] {
  const tags: GitTag[] = [];
  for (const line of stdout.split('\n')) {
    const match = TAG_LINE.exec(line.trim());
    if (match?.[1] && match[2] && !match[2].endsWith('^{}'))
      tags.push({ objectId: match[1], name: match[2] });
  }
  return tags;
}

/**
 * Versions from a service's git repository, as the runbook lists them (`git tag --list 'v*'`), read with
 * `git ls-remote --tags --refs <url>` (an argument vector, never a shell) and cached per URL.
 */
export class GitTagSource {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GitTagSourceOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 100;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Tags of `url` matching `pattern` (default `v*`), newest version first. */
  async listTags(url: string, options: { pattern?: string; signal?: AbortSignal } = {}): Promise<GitTagList> {
    const problem = gitRemoteUrlProblem(url);
    if (problem)
      throw new PermanentError(
        'git_url_invalid',
        `The git repository ${redactUrlCredentials(url)} ${problem}.`,
      );
    const entry = await this.entry(url, options.signal);
    const matches = tagPatternMatcher(options.pattern ?? 'v*');
    const byName = new Map(entry.tags.filter((t) => matches(t.name)).map((t) => [t.name, t]));
    const tags = sortVersionsNewestFirst(byName.keys()).map((name) => byName.get(name) as GitTag);
    return { tags, fetchedAt: new Date(entry.fetchedAt) };
  }

  /** Forgets a remote's tags, so the next listing asks it again. */
  forget(url: string): void {
    this.cache.delete(url);
  }

  private entry(url: string, signal: AbortSignal | undefined): Promise<Entry> {
    const cached = this.cache.get(url);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) {
      this.cache.delete(url);
      this.cache.set(url, cached);
      return Promise.resolve(cached);
    }
    let running = this.pending.get(url);
    if (!running) {
      running = this.fetch(url, signal).finally(() => this.pending.delete(url));
      this.pending.set(url, running);
    }
    return running;
  }

  private async fetch(url: string, signal: AbortSignal | undefined): Promise<Entry> {
    const argv = ['git', '-c', 'protocol.ext.allow=never', 'ls-remote', '--tags', '--refs', '--', url];
    const result = await this.options.runner.run(argv, {
      timeoutMs: this.timeoutMs,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '' },
      ...(signal ? { signal } : {}),
    });
    const where = redactUrlCredentials(url);
    if (result.timedOut)
      throw new RetryableError(
        'git_unavailable',
        `git ls-remote ${where} did not finish within ${Math.round(this.timeoutMs / 1000)}s.`,
      );
    if (result.exitCode !== 0) {
      const detail = redactUrlCredentials(result.stderr.trim().split('\n').slice(-2).join(' ')).slice(0, 300);
      const message = `Cannot list the tags of ${where}: ${detail || `git exited with ${result.exitCode}`}`;
      if (UNREACHABLE.test(result.stderr)) throw new RetryableError('git_unavailable', message);
      throw new PermanentError('git_remote_rejected', message, {
        hint: 'Check the repository URL and that the bot has read access to it (its ssh key or git credentials).',
      });
    }
    const entry = { fetchedAt: this.now(), tags: parseLsRemoteTags(result.stdout) };
    this.cache.delete(url);
    this.cache.set(url, entry);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return entry;
  }
}
