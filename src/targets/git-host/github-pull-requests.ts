import { CancelledError, PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type {
  OpenedPullRequest,
  PullRequestHost,
  PullRequestRequest,
} from '../../rollback/ports/pull-request-host.js';

export interface GithubPullRequestsOptions {
  /** The REST API's base URL (https://api.github.com, https://<ghe>/api/v3). */
  api: string;
  /** The token (the composition root reads it); never logged nor put in a message. */
  token: string | undefined;
  /** The variable it came from, for the message when it is missing. */
  tokenEnv: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const pullSchema = (value: unknown): { html_url: string; number: number } | undefined => {
  const v = value as { html_url?: unknown; number?: unknown } | null;
  return typeof v?.html_url === 'string' && typeof v.number === 'number'
    ? { html_url: v.html_url, number: v.number }
    : undefined;
};

/**
 * GitHub's REST API for pull requests (GitHub Enterprise, Gitea and Forgejo answer the same):
 * `POST /repos/{owner}/{repo}/pulls` answers 201 with the pull request; 422 when one is already open for
 * the branch, which is then found with `GET /repos/{owner}/{repo}/pulls?head={owner}:{branch}`.
 */
export class GithubPullRequests implements PullRequestHost {
  readonly api: string;
  readonly #options: GithubPullRequestsOptions;
  readonly #fetch: typeof fetch;

  constructor(options: GithubPullRequestsOptions) {
    this.api = options.api.replace(/\/+$/, '');
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async open(request: PullRequestRequest, signal?: AbortSignal): Promise<OpenedPullRequest> {
    const path = `/repos/${encodeURIComponent(request.owner)}/${encodeURIComponent(request.repo)}/pulls`;
    const { head, base, title, body } = request;
    const created = await this.call('POST', path, signal, { title, head, base, body });
    if (created.status === 201) return { ...this.pull(created.body), existing: false };
    if (created.status === 422 && alreadyExists(created.body)) {
      const query = `?head=${encodeURIComponent(`${request.owner}:${head}`)}&base=${encodeURIComponent(base)}&state=open`;
      const listed = await this.call('GET', `${path}${query}`, signal);
      const first = Array.isArray(listed.body) ? (listed.body as unknown[])[0] : undefined;
      if (listed.status === 200 && first !== undefined) return { ...this.pull(first), existing: true };
    }
    throw this.refused(created.status, created.body);
  }

  private pull(body: unknown): { url: string; number: number } {
    const pull = pullSchema(body);
    if (!pull)
      throw new PermanentError('git_host_bad_response', `${this.api} answered without html_url and number.`);
    return { url: pull.html_url, number: pull.number };
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal | undefined,
    json?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const { token, tokenEnv } = this.#options;
    if (!token)
      throw new PermanentError('git_host_token_missing', `The bot has no ${tokenEnv} for ${this.api}.`, {
        hint: `Set ${tokenEnv} in the bot's environment (a token that may push branches and open pull requests).`,
      });
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(`${this.api}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'rollback-bot',
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(undefined, { cause: error });
      const why = timeout.aborted ? `did not answer within ${timeoutMs} ms` : 'could not be reached';
      throw new RetryableError('git_host_unreachable', `The Git host ${this.api} ${why}.`, { cause: error });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  }

  private refused(status: number, body: unknown): Error {
    const said = (body as { message?: unknown } | undefined)?.message;
    const text = `${this.api} answered ${status}${typeof said === 'string' ? ` (${said.slice(0, 200)})` : ''}.`;
    if (status === 429 || status >= 500) return new RetryableError('git_host_unavailable', text);
    if (status === 401)
      return new PermanentError('git_host_unauthorized', text, {
        hint: `Check ${this.#options.tokenEnv}: the host does not accept it.`,
      });
    if (status === 403)
      return new PermanentError('git_host_forbidden', text, {
        hint: 'The token may not open pull requests in this repository.',
      });
    return new PermanentError('git_host_rejected', text, {
      hint: 'Check gitops.git.pullRequests (owner, repo) in the service YAML.',
    });
  }
}

function alreadyExists(body: unknown): boolean {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return (
    Array.isArray(errors) &&
    errors.some((e) => /already exists/i.test(String((e as { message?: unknown } | null)?.message ?? '')))
  );
}
