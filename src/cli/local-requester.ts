import { userInfo } from 'node:os';
import type { Requester } from '../rollback/progress-snapshot.js';

/** The person at this terminal: the local OS user, recorded with source `cli`. */
export function localRequester(): Requester {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): record the uid instead.
    name = `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  // Prefixed, so a local account can never pose as a Slack user id listed in permissions.
  return { id: `cli:${name}`, name, source: 'cli' };
}
