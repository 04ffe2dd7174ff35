import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` on `POST /webhooks/pagerduty/rollback` against
 * `PAGERDUTY_ACTION_TOKEN`, in constant time: both sides are hashed first so the comparison is between
 * equal-length buffers whatever the caller sent. Fails closed when no token is configured.
 */
export function verifyActionToken(authorization: string | undefined, expected: string): boolean {
  if (expected.length === 0 || authorization === undefined) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (match?.[1] === undefined) return false;
  return timingSafeEqual(digest(match[1]), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
