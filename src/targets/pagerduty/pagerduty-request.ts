// Type-only: the package's index does not re-export these (erased at compile time).
import type { APIParameters, APIResponse } from '@pagerduty/pdjs/build/src/api.js';
import { PermanentError, RetryableError, RollbackError } from '../../errors/rollback-error.js';
import { RetryLaterError } from '../../errors/retry-later-error.js';
import { pagerDutyHttpError } from './map-pagerduty-error.js';

export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';

export interface PagerDutyConnection {
  /** REST API key; sent as `Authorization: Token token=...` and nowhere else. */
  token: string;
  /** REST base URL (`PAGERDUTY_API_URL`): https://api.pagerduty.com, or a local fake in tests. */
  apiUrl: string;
  /** `From` header of writes: the e-mail of a PagerDuty user (`PAGERDUTY_FROM_EMAIL`). */
  fromEmail: string;
  /** Each request is aborted after this long. */
  timeoutMs: number;
  /** How long to wait after a 429: pdjs hides PagerDuty's own reset time (see below). */
  rateLimitWaitMs: number;
}

export interface PagerDutyCall {
  method: 'GET' | 'POST';
  /** `/incidents/Q123/notes`: ids in it must already be URL-safe. */
  path: string;
  query?: Record<string, string | string[]>;
  body?: object;
  /** Send `From: <fromEmail>` (notes, status updates and responder requests need it). */
  asUser?: boolean;
  /** What the bot was doing, for messages: "adding a note to incident Q123". */
  action: string;
  signal?: AbortSignal | undefined;
}

/** Thrown from node-fetch's `agent` hook when pdjs starts its own 429 retry (see below). */
class Pdjs429RetryCut extends Error {}

/**
 * One REST call through `@pagerduty/pdjs` 2.2.4, with what that library leaves to its caller:
 *
 * - `server` is a host name only (always https): a full `url` is passed instead, built from `apiUrl`, so a
 *   plain-http local server works.
 * - Non-2xx answers resolve: `response.ok` is checked and the status becomes a typed error.
 * - A body that is not JSON (a proxy's HTML 502) makes pdjs reject with the Response itself, not an Error:
 *   its `status` is mapped like any other answer.
 * - On 429 pdjs waits `retryTimeout` (20 s by default) and retries up to 3 times, hard-coded (its
 *   `retryCount` option is ignored), hiding the answer's headers. That would hold a delivery for a minute
 *   and send 3 more requests into a rate limit. `retryTimeout: 0` plus node-fetch's `agent` hook (called
 *   once per request sent) stops it at the first retry, before anything is sent: one request per attempt,
 *   and the outbox backs off (at least `rateLimitWaitMs`; PagerDuty's windows are per minute).
 * - Its `requestTimeout` only starts a timer that does nothing (and keeps the process alive 30 s): it is
 *   turned off, and an AbortSignal (our timeout, or the caller's) aborts the request for real.
 */
export async function pagerDutyRequest(
  connection: PagerDutyConnection,
  call: PagerDutyCall,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(connection.timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  let sent = 0;
  const parameters = {
    url: `${connection.apiUrl.replace(/\/+$/, '')}${call.path}`,
    method: call.method,
    token: connection.token,
    tokenType: 'token',
    headers: call.asUser ? { From: connection.fromEmail } : {},
    ...(call.method === 'GET' ? { queryParameters: call.query ?? {} } : { data: call.body ?? {} }),
    signal,
    retryTimeout: 0,
    requestTimeout: 0,
    agent: () => {
      if (++sent > 1) throw new Pdjs429RetryCut();
      return undefined;
    },
  };
  // Loaded at the first call: a bot without PagerDuty, or not yet calling it, does not hold the client.
  const { api } = await import('@pagerduty/pdjs');
  let response: APIResponse;
  try {
    response = await api(parameters as APIParameters);
  } catch (error) {
    throw transportError(error, call, connection, timeout);
  }
  if (!response.ok) throw pagerDutyHttpError(response.status, response.data, call.action, response.headers);
  return response.data;
}

function transportError(
  error: unknown,
  call: PagerDutyCall,
  connection: PagerDutyConnection,
  timeout: AbortSignal,
): RollbackError {
  if (error instanceof Pdjs429RetryCut)
    return new RetryLaterError(
      'pagerduty_rate_limited',
      `PagerDuty is rate limiting the bot while ${call.action}; it will try again.`,
      connection.rateLimitWaitMs,
    );
  if (isResponse(error)) {
    if (error.ok)
      return new PermanentError(
        'pagerduty_bad_response',
        `PagerDuty's answer while ${call.action} was not JSON.`,
      );
    return pagerDutyHttpError(error.status, undefined, call.action, error.headers);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return timeout.aborted
      ? new RetryableError(
          'pagerduty_timeout',
          `PagerDuty did not answer within ${connection.timeoutMs} ms while ${call.action}.`,
        )
      : new RetryableError(
          'pagerduty_aborted',
          `Stopped ${call.action}: the bot is shutting down or gave up.`,
        );
  }
  const reason =
    error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
  return new RetryableError(
    'pagerduty_unreachable',
    `Could not reach PagerDuty while ${call.action} (${reason}).`,
    {
      cause: error,
    },
  );
}

function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}
