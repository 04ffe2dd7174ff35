/**
 * Which git remote URLs the bot may list tags from: `https://`, `http://`, `ssh://`, `git://`, `file://`
 * and scp-like `git@host:org/repo.git`, never one that starts with `-` (an option to git) nor one with a
 * password inside it (credentials belong in the bot's git/ssh configuration, not in the catalog).
 */
const SCHEME_URL = /^(?:https?|ssh|git|file):\/\/[^\s]+$/i;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$/;

export function gitRemoteUrlProblem(url: string): string | undefined {
  if (url.startsWith('-')) return 'must not start with "-"';
  if (!SCHEME_URL.test(url) && !SCP_LIKE.test(url))
    return 'must be an https://, ssh://, git:// or file:// URL, or user@host:path';
  if (SCHEME_URL.test(url)) {
    try {
      if (new URL(url).password !== '')
        return 'must not contain a password (configure git credentials for the bot instead)';
    } catch {
      return 'is not a valid URL';
    }
  }
  return undefined;
}

/** The URL with any user information replaced, for messages: `https://[redacted]@host/repo.git`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1[redacted]@');
}
