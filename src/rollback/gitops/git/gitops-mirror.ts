import { createHash } from 'node:crypto';
import { redactUrlCredentials } from '../../../config/git-remote-url.js';
import { PermanentError, RetryableError } from '../../../errors/rollback-error.js';
import type { CommandResult, CommandRunner } from '../../ports/command-runner.js';

export interface GitopsMirrorOptions {
  /** Runs `git` on the worker's own host (execa argument vectors). */
  runner: CommandRunner;
  /** Where the mirrors (and the short-lived work trees of revert branches) are kept. */
  cacheDir: string;
  /** Timeout of one git command. Default 60 s. */
  timeoutMs?: number;
}

const UNREACHABLE =
  /could not resolve host|connection (refused|timed out|reset)|timed out|network is unreachable|temporary failure|early EOF|RPC failed|HTTP 5\d\d|returned error: 5\d\d|unable to access/i;

/** git never asks a person for credentials here, and never runs the `ext::` transport. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GIT_EDITOR: 'true' };
const SAFE = ['-c', 'protocol.ext.allow=never'];

/**
 * A mirror (`git clone --mirror`) of a GitOps repository in the bot's cache, fetched before each use, so
 * that `git log` answers about the branch as the repository has it now, whether it is a URL or a path.
 */
export class GitopsMirror {
  private readonly timeoutMs: number;
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: GitopsMirrorOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The mirror's directory, cloned or fetched now (one at a time per repository in this process). */
  sync(repo: string, signal?: AbortSignal): Promise<string> {
    let running = this.pending.get(repo);
    if (!running) {
      running = this.update(repo, signal).finally(() => this.pending.delete(repo));
      this.pending.set(repo, running);
    }
    return running;
  }

  /** A directory in the cache for a work tree: `<cache>/<repo hash>-<name>`. */
  scratchDir(repo: string, name: string): string {
    return `${this.options.cacheDir}/${repoKey(repo)}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  /** Runs `git <args>` (in `cwd` when given); a non-zero exit throws with git's last lines, secret-free. */
  async git(
    args: readonly string[],
    purpose: string,
    options: { cwd?: string; signal?: AbortSignal; repo?: string } = {},
  ): Promise<CommandResult> {
    const result = await this.run(args, options);
    if (result.exitCode === 0 && !result.timedOut) return result;
    throw gitFailure(result, purpose, options.repo, this.timeoutMs);
  }

  /** Runs `git <args>` and returns the result whatever the exit code. */
  run(args: readonly string[], options: { cwd?: string; signal?: AbortSignal } = {}): Promise<CommandResult> {
    return this.options.runner.run(['git', ...SAFE, ...args], {
      timeoutMs: this.timeoutMs,
      env: GIT_ENV,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async update(repo: string, signal: AbortSignal | undefined): Promise<string> {
    const dir = `${this.options.cacheDir}/${repoKey(repo)}.git`;
    const probe = await this.run(['-C', dir, 'rev-parse', '--is-bare-repository'], { ...withSignal(signal) });
    if (probe.exitCode === 0 && probe.stdout.trim() === 'true') {
      await this.git(['-C', dir, 'fetch', '--quiet', '--prune', 'origin'], 'fetch', {
        repo,
        ...withSignal(signal),
      });
      return dir;
    }
    await this.git(['clone', '--quiet', '--mirror', '--', repo, dir], 'clone', {
      repo,
      ...withSignal(signal),
    });
    return dir;
  }
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

function repoKey(repo: string): string {
  return createHash('sha256').update(repo).digest('hex').slice(0, 16);
}

function gitFailure(
  result: CommandResult,
  purpose: string,
  repo: string | undefined,
  timeoutMs: number,
): RetryableError | PermanentError {
  const where = repo ? ` ${redactUrlCredentials(repo)}` : '';
  if (result.timedOut) {
    return new RetryableError(
      'gitops_repo_unavailable',
      `git ${purpose}${where} did not finish within ${Math.round(timeoutMs / 1000)}s.`,
    );
  }
  const lines = result.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ');
  const detail = redactUrlCredentials(lines).slice(0, 300) || `git exited with ${result.exitCode}`;
  const message = `git ${purpose}${where} failed: ${detail}`;
  if (UNREACHABLE.test(result.stderr)) return new RetryableError('gitops_repo_unavailable', message);
  return new PermanentError('gitops_repo_rejected', message, {
    hint: 'Check gitops.git (repo, branch, path) and that the bot may read the repository (its ssh key or git credentials).',
  });
}
