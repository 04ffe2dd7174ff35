import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { pagerDutyFixture, pagerDutySignature } from '../../test/support/fake-pagerduty/index.js';

export interface WebhookLoadOptions {
  url: string;
  /** Signed like PagerDuty during a rotation: one `v1=` signature per secret. */
  secrets: readonly string[];
  connections: number;
  durationSeconds: number;
}

export interface WebhookLoadResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const template = pagerDutyFixture('incident-triggered.json').toString('utf8');

/** The n-th distinct `incident.triggered` event of a run (its own event and incident id). */
export function benchEventBody(n: number): string {
  return template
    .replace('01DEN7SW4RA2F62L0A3U5T4HXJ', `BENCH${String(n).padStart(21, '0')}`)
    .replaceAll('Q2KPW3SL0BGXXN', `Q${String(n).padStart(13, '0')}`)
    .replaceAll('PF9KMXH', 'PBENCH1');
}

/**
 * Drives POSTs of V3 `incident.triggered` webhooks at `url` with autocannon: each request is a distinct
 * event (its own event id, incident id and `X-Webhook-Id`), signed per request, so a receiver that
 * deduplicates can be checked for 0 lost and 0 processed twice.
 */
export async function runSignedWebhookLoad(options: WebhookLoadOptions): Promise<WebhookLoadResult> {
  let sequence = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const body = benchEventBody(++sequence);
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              'user-agent': 'PagerDuty-Webhook/V3.0',
              'x-webhook-id': randomUUID(),
              'x-pagerduty-signature': pagerDutySignature(body, options.secrets),
            },
            body,
          };
        },
      },
    ],
  });
  return {
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    perSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}
