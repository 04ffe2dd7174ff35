import type { Logger } from '../../observability/logger.js';
import {
  CancelledError,
  PermanentError,
  RetryableError,
  type RollbackError,
} from '../../errors/rollback-error.js';
import { retryWithBackoff, type RetryPolicy } from '../../rollback/retry-with-backoff.js';

export interface MonitoringHttpOptions {
  log: Logger;
  /** Timeout of one request. Default 10 s. */
  timeoutMs?: number;
  /** Retries of unreachable servers, 5xx and 429. Default 3 attempts from 250 ms. */
  retry?: RetryPolicy;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** `base` + `path`, keeping a path prefix in the base (`http://host/prometheus` + `api/v1/query`). */
export function joinUrl(base: string, path: string, query: URLSearchParams): URL {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  url.search = query.toString();
  return url;
}

/** The URL without user information or query, for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function failure(
  error: unknown,
  system: string,
  url: URL,
  timeoutMs: number,
  signal?: AbortSignal,
): RollbackError {
  if (signal?.aborted) return new CancelledError(undefined, { cause: error });
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new RetryableError(
      'monitoring_unavailable',
      `${system} at ${shown(url)} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)}s`}.`,
      { cause: error },
    );
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new RetryableError(
    'monitoring_unavailable',
    `Cannot reach ${system} at ${shown(url)}${typeof code === 'string' ? ` (${code})` : ''}.`,
    { cause: error },
  );
}

/**
 * GETs JSON from Prometheus or Alertmanager with a timeout and retries of transient failures. Returns any
 * 2xx or 4xx answer with its parsed body (the API's own error message is in it); throws RetryableError
 * for unreachable servers, 5xx and 429 once the attempts are used, PermanentError for 401/403.
 */
export async function getMonitoringJson(
  system: string,
  url: URL,
  options: MonitoringHttpOptions & { signal?: AbortSignal },
): Promise<JsonAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retry = options.retry ?? { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };
  const once = async (): Promise<JsonAnswer> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: 'application/json' },
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
        redirect: 'follow',
      });
    } catch (error) {
      throw failure(error, system, url, timeoutMs, options.signal);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500)
      throw new RetryableError(
        'monitoring_unavailable',
        `${system} at ${shown(url)} answered ${response.status}.`,
      );
    if (response.status === 401 || response.status === 403)
      throw new PermanentError(
        'monitoring_forbidden',
        `${system} at ${shown(url)} refused the bot (${response.status}).`,
        {
          hint: 'The bot needs read access to this API without credentials, or through a proxy that adds them.',
        },
      );
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text, the caller says what it expected.
    }
    return { status: response.status, body };
  };
  return retryWithBackoff(once, retry, {
    ...(options.signal ? { signal: options.signal } : {}),
    onRetry: (error, attempt, delayMs) =>
      options.log.warn(
        { system, url: shown(url), attempt, delayMs, err: (error as Error).message },
        'monitoring query failed, retrying',
      ),
  });
}
