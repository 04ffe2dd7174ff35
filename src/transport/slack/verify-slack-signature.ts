import { verifySlackRequest } from '@slack/bolt';

const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `X-Slack-Signature` (v0 HMAC-SHA256 of `v0:<timestamp>:<raw body>`) and rejects timestamps more
 * than five minutes old or in the future (Bolt's own check accepts future ones: replay protection).
 */
export function verifySlackSignature(
  signingSecret: string,
  rawBody: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  nowMs: number = Date.now(),
): SignatureCheck {
  if (!headers.signature || !headers.timestamp) return { ok: false, reason: 'missing signature headers' };
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_SECONDS)
    return { ok: false, reason: 'stale or future timestamp' };
  try {
    verifySlackRequest({
      signingSecret,
      body: rawBody,
      headers: { 'x-slack-signature': headers.signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
    return { ok: true };
  } catch {
    return { ok: false, reason: 'signature mismatch' };
  }
}
