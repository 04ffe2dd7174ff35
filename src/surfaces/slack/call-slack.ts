import { PermanentError, RetryableError } from '../../errors/rollback-error.js';

/** Slack errors that retrying cannot fix. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
]);

/**
 * Runs a Web API call, turning Slack's answers into errors the render queue understands: a refusal
 * retrying cannot fix (unknown channel, revoked token, invalid blocks) is permanent; anything else
 * (rate limited, HTTP 5xx, no answer) is retryable.
 */
export async function callSlack<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw slackFailure(error);
  }
}

/** A Web API client's error as the render queue's permanent or retryable error. */
export function slackFailure(error: unknown): PermanentError | RetryableError {
  const slackError = (error as { data?: { error?: string } }).data?.error;
  if (slackError && PERMANENT_SLACK_ERRORS.has(slackError)) {
    return new PermanentError('slack_rejected', `Slack refused the message: ${slackError}`, { cause: error });
  }
  return new RetryableError(
    'slack_unavailable',
    `Slack did not take the message: ${slackError ?? (error as Error).message}`,
    { cause: error },
  );
}
