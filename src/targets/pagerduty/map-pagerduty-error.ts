import { PermanentError, RetryableError, type RollbackError } from '../../errors/rollback-error.js';
import { RetryLaterError } from '../../errors/retry-later-error.js';
import { parseRetryAfter } from '../http/parse-retry-after.js';

export type PagerDutyErrorCode =
  | 'pagerduty_rate_limited'
  | 'pagerduty_unavailable'
  | 'pagerduty_unreachable'
  | 'pagerduty_timeout'
  | 'pagerduty_aborted'
  | 'pagerduty_bad_request'
  | 'pagerduty_unauthorized'
  | 'pagerduty_forbidden'
  | 'pagerduty_not_found'
  | 'pagerduty_rejected'
  | 'pagerduty_bad_response'
  | 'pagerduty_requester_unknown';

const MAX_DETAIL = 300;

/**
 * A non-2xx answer of the REST API as a typed error: 429 and 5xx are retryable (RetryLaterError when the
 * answer says how long to wait), 400/401/403/404 and other 4xx are permanent. Messages name what was being
 * done and PagerDuty's own explanation; never the token or any header.
 */
export function pagerDutyHttpError(
  status: number,
  body: unknown,
  action: string,
  headers?: { get(name: string): string | null },
): RollbackError {
  const detail = describePagerDutyError(body);
  const said = detail ? `: ${detail}` : '';
  if (status === 429) {
    const wait =
      parseRetryAfter(headers?.get('retry-after')) ?? parseRetryAfter(headers?.get('ratelimit-reset'));
    const message = `PagerDuty is rate limiting the bot while ${action}; it will try again.`;
    return wait === undefined
      ? new RetryableError('pagerduty_rate_limited', message)
      : new RetryLaterError('pagerduty_rate_limited', message, wait);
  }
  if (status >= 500) {
    const message = `PagerDuty answered ${status} while ${action}${said}; it will try again.`;
    const wait = parseRetryAfter(headers?.get('retry-after'));
    return wait === undefined
      ? new RetryableError('pagerduty_unavailable', message)
      : new RetryLaterError('pagerduty_unavailable', message, wait);
  }
  if (status === 401)
    return new PermanentError(
      'pagerduty_unauthorized',
      `PagerDuty did not accept the API token while ${action}.`,
      {
        hint: 'Check PAGERDUTY_API_TOKEN: a REST API key (general access, or a user token).',
      },
    );
  if (status === 403)
    return new PermanentError('pagerduty_forbidden', `PagerDuty refused ${action} (403)${said}.`, {
      hint: 'The API key may only read: use a general access key with write access.',
    });
  if (status === 404)
    return new PermanentError('pagerduty_not_found', `PagerDuty found nothing while ${action} (404).`);
  if (status === 400) {
    const requester = /requester|from/i.test(detail);
    return new PermanentError('pagerduty_bad_request', `PagerDuty refused ${action}${said}.`, {
      ...(requester
        ? { hint: 'Check PAGERDUTY_FROM_EMAIL: it must be the e-mail address of a PagerDuty user.' }
        : {}),
    });
  }
  return new PermanentError('pagerduty_rejected', `PagerDuty answered ${status} while ${action}${said}.`);
}

/** PagerDuty's `{error: {message, code, errors: [...]}}` as one short line, or '' when absent. */
export function describePagerDutyError(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return '';
  const { message, errors } = error as { message?: unknown; errors?: unknown };
  const parts = [
    typeof message === 'string' ? message : '',
    ...(Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : []),
  ].filter((part) => part.length > 0);
  const line = parts.join('; ');
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
}
