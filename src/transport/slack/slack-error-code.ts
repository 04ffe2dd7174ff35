/** A Slack client error's code and status, safe to log (no URL, no headers, no body). */
export function slackErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return [typeof code === 'string' ? code : 'error', typeof statusCode === 'number' ? String(statusCode) : '']
    .filter(Boolean)
    .join(' ');
}
