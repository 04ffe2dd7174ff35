import { createHmac, timingSafeEqual } from 'node:crypto';

export type PagerDutySignatureCheck = { ok: true } | { ok: false; reason: string };

/** PagerDuty signs with one secret per active key; more than this many signatures is not a real header. */
const MAX_SIGNATURES = 16;
const V1_SIGNATURE = /^v1=([0-9a-f]{64})$/i;

/**
 * Checks `X-PagerDuty-Signature` on a V3 webhook: a comma-separated list of `v1=<hex HMAC-SHA256(secret,
 * raw body)>`, one per signing secret PagerDuty holds (several during a secret rotation). Accepted when any
 * v1 signature matches any configured secret; signatures of other versions are ignored. The HMAC is taken
 * over the unmodified raw bytes and compared in constant time. Fails closed: no secrets, no header, an
 * empty or malformed header, or no v1 signature at all is a rejection.
 */
export function verifyPagerDutySignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): PagerDutySignatureCheck {
  const keys = secrets.filter((secret) => secret.length > 0);
  if (keys.length === 0) return { ok: false, reason: 'no webhook secret configured' };
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing signature' };
  const parts = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length > MAX_SIGNATURES) return { ok: false, reason: 'malformed signature header' };
  const signatures: Buffer[] = [];
  for (const part of parts) {
    if (!/^v\d+=/i.test(part)) return { ok: false, reason: 'malformed signature header' };
    const match = V1_SIGNATURE.exec(part);
    if (match?.[1] !== undefined) signatures.push(Buffer.from(match[1], 'hex'));
    else if (/^v1=/i.test(part)) return { ok: false, reason: 'malformed v1 signature' };
  }
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature' };
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(rawBody).digest();
    if (signatures.some((signature) => timingSafeEqual(signature, expected))) return { ok: true };
  }
  return { ok: false, reason: 'signature mismatch' };
}

/** `PAGERDUTY_WEBHOOK_SECRETS`: comma-separated secrets (the current one and, during a rotation, the next). */
export function parseWebhookSecrets(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
}
