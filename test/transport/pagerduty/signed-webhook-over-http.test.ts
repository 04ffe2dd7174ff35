import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook } from '../../../src/transport/pagerduty/parse-pagerduty-webhook.js';
import { verifyPagerDutySignature } from '../../../src/transport/pagerduty/verify-pagerduty-signature.js';
import { pagerDutyFixture, sendSignedWebhook } from '../../support/fake-pagerduty/index.js';

const SECRETS = ['current-secret-a1', 'next-secret-b2'];
const seen = new Set<string>();
const handled: string[] = [];
let server: Server;
let url: string;

/** What the route will do with these pieces: verify, parse, dedupe, acknowledge. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = req.headers['x-pagerduty-signature'];
      const check = verifyPagerDutySignature(
        body,
        Array.isArray(signature) ? signature[0] : signature,
        SECRETS,
      );
      if (!check.ok) {
        res.writeHead(401);
        return void res.end(check.reason);
      }
      const webhookId = req.headers['x-webhook-id'];
      const parsed = parsePagerDutyWebhook(body, {
        webhookId: Array.isArray(webhookId) ? webhookId[0] : webhookId,
      });
      if (parsed.ok && !seen.has(parsed.dedupeKey)) {
        seen.add(parsed.dedupeKey);
        handled.push(parsed.event.eventType);
      }
      res.writeHead(202);
      res.end(parsed.ok ? 'accepted' : `ignored: ${parsed.reason}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/pagerduty`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('signed V3 webhooks over HTTP', () => {
  it('a delivery signed during a rotation (two signatures, one known) is accepted once, a replay is not handled again', async () => {
    const body = pagerDutyFixture('incident-triggered.json');
    const options = { secrets: ['retired-secret', SECRETS[1] ?? ''], webhookId: 'wh-0001' };
    expect(await sendSignedWebhook(url, body, options)).toEqual({ status: 202, body: 'accepted' });
    expect(await sendSignedWebhook(url, body, options)).toEqual({ status: 202, body: 'accepted' });
    expect(handled).toEqual(['incident.triggered']);
  });

  it('a wrong signature and an unsigned body are refused with 401', async () => {
    const body = pagerDutyFixture('incident-resolved.json');
    expect(await sendSignedWebhook(url, body, { secrets: ['wrong'] })).toEqual({
      status: 401,
      body: 'signature mismatch',
    });
    expect(await sendSignedWebhook(url, body, { secrets: SECRETS, signature: null })).toEqual({
      status: 401,
      body: 'missing signature',
    });
    expect(handled).not.toContain('incident.resolved');
  });

  it('malformed JSON, well signed, is acknowledged and ignored', async () => {
    expect(await sendSignedWebhook(url, '{"event": ', { secrets: SECRETS })).toEqual({
      status: 202,
      body: 'ignored: body is not JSON',
    });
  });
});
