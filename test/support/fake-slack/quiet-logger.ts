import type { webApi } from '@slack/bolt';

/**
 * A Slack SDK logger that stays silent, for tests that expect Slack errors (the WebClient logs every
 * `response_metadata` message at error level). Pass it as `logger` to a WebClient or a Bolt App.
 */
export const quietLogger: webApi.Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as webApi.LogLevel,
  setName: () => undefined,
};
