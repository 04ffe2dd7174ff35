/**
 * The floor for PagerDuty webhook ingest: a bare Node HTTP server that reads the raw body, checks
 * `X-PagerDuty-Signature` and answers 202, nothing else (no framework, no parsing, no Redis). Run as its own
 * process by bench/pagerduty-ingest.ts; prints `listening <port>`; `GET /stats` answers the counts.
 *
 *   PAGERDUTY_WEBHOOK_SECRETS=s1,s2 npx tsx bench/pagerduty/hmac-floor-server.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parseWebhookSecrets,
  verifyPagerDutySignature,
} from '../../src/transport/pagerduty/verify-pagerduty-signature.js';

const secrets = parseWebhookSecrets(process.env.PAGERDUTY_WEBHOOK_SECRETS);
let accepted = 0;
let rejected = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ accepted, rejected }));
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const header = req.headers['x-pagerduty-signature'];
    const check = verifyPagerDutySignature(
      Buffer.concat(chunks),
      Array.isArray(header) ? header[0] : header,
      secrets,
    );
    if (check.ok) accepted++;
    else rejected++;
    res.writeHead(check.ok ? 202 : 401);
    res.end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
