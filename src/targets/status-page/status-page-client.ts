import { PermanentError, RetryableError, type RollbackError } from '../../errors/rollback-error.js';
import { RetryLaterError } from '../../errors/retry-later-error.js';
import { parseRetryAfter } from '../http/parse-retry-after.js';

/**
 * Incident statuses as status pages use them (Statuspage, Instatus, Cachet, ...): `investigating` (we know
 * something is wrong), `identified` (we know why and are rolling back), `monitoring` (rolled back,
 * watching), `resolved`.
 */
export const STATUS_PAGE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type StatusPageStatus = (typeof STATUS_PAGE_STATUSES)[number];

/** The JSON body POSTed to the service's `notify.statusPage.url`. */
export interface StatusPageUpdate {
  /** `notify.statusPage.component`. */
  component: string;
  status: StatusPageStatus;
  message: string;
  incident?: { id: string; title?: string; url?: string };
}

export type StatusPageErrorCode =
  | 'status_page_rate_limited'
  | 'status_page_unavailable'
  | 'status_page_unreachable'
  | 'status_page_timeout'
  | 'status_page_rejected';

export interface StatusPageClientOptions {
  /** Per request; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A generic status-page webhook: `POST <url>` with `{component, status, message, incident?}` as JSON. Any
 * 2xx is success; 429, 5xx, no connection and timeouts are retryable (Retry-After honoured), other answers
 * permanent. The URL may carry a secret: messages name only its host.
 */
export class StatusPageClient {
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: StatusPageClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  async post(url: string, update: StatusPageUpdate, signal?: AbortSignal): Promise<void> {
    const host = hostOf(url);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'rollback-bot' },
        body: JSON.stringify(update),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted)
        throw new RetryableError(
          'status_page_timeout',
          `The status page at ${host} did not answer within ${this.#timeoutMs} ms.`,
        );
      throw new RetryableError('status_page_unreachable', `Could not reach the status page at ${host}.`, {
        cause: error,
      });
    }
    await response.body?.cancel();
    if (!response.ok) throw statusPageError(response, host);
  }
}

function statusPageError(response: Response, host: string): RollbackError {
  const wait = parseRetryAfter(response.headers.get('retry-after'));
  if (response.status === 429 || response.status >= 500) {
    const code = response.status === 429 ? 'status_page_rate_limited' : 'status_page_unavailable';
    const message = `The status page at ${host} answered ${response.status}; it will be tried again.`;
    return wait === undefined ? new RetryableError(code, message) : new RetryLaterError(code, message, wait);
  }
  return new PermanentError(
    'status_page_rejected',
    `The status page at ${host} refused the update (${response.status}).`,
    {
      hint: 'Check notify.statusPage.url and component in the service YAML.',
    },
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its configured URL';
  }
}
