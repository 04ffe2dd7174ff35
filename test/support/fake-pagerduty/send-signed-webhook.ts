import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SignedWebhookOptions {
  /** Secrets to sign with, as PagerDuty does: one `v1=` signature per secret, comma-separated. */
  secrets: readonly string[];
  /** `X-Webhook-Id`: the same on every delivery attempt of one webhook. Default: a new UUID. */
  webhookId?: string | null;
  /** Replaces the computed `X-PagerDuty-Signature` (for wrong or malformed signatures). */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: Buffer;
}

/** `v1=<hex HMAC-SHA256(secret, body)>` for each secret, joined with commas. */
export function pagerDutySignature(body: Buffer | string, secrets: readonly string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

/** The headers PagerDuty sends with a V3 webhook, for `body` exactly as given. */
export function signedWebhook(body: Buffer | string | object, options: SignedWebhookOptions): SignedWebhook {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-webhook-subscription': 'PSUB7RB',
    ...options.headers,
  };
  const webhookId = options.webhookId === undefined ? randomUUID() : options.webhookId;
  if (webhookId !== null) headers['x-webhook-id'] = webhookId;
  const signature =
    options.signature === undefined ? pagerDutySignature(bytes, options.secrets) : options.signature;
  if (signature !== null) headers['x-pagerduty-signature'] = signature;
  return { headers, body: bytes };
}

/** POSTs a signed V3 webhook to `url` and returns the answer. */
export async function sendSignedWebhook(
  url: string,
  body: Buffer | string | object,
  options: SignedWebhookOptions,
): Promise<{ status: number; body: string }> {
  const webhook = signedWebhook(body, options);
  const response = await fetch(url, {
    method: 'POST',
    headers: webhook.headers,
    body: new Uint8Array(webhook.body),
  });
  return { status: response.status, body: await response.text() };
}

/** A recorded fixture's bytes, exactly as on disk (signatures cover these bytes). */
export function pagerDutyFixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/pagerduty/${name}`, import.meta.url));
}
