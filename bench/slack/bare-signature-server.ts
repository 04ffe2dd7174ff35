import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackSignature } from '../../src/transport/slack/verify-slack-signature.js';

/**
 * The floor for acknowledging Slack: a bare Node HTTP server that reads the raw body, checks the Slack
 * signature with the bot's own function and answers 200 with an empty body, nothing else.
 */
export async function startBareSignatureServer(
  signingSecret: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const check = verifySlackSignature(signingSecret, Buffer.concat(chunks).toString('utf8'), {
        signature: header('x-slack-signature'),
        timestamp: header('x-slack-request-timestamp'),
      });
      res.writeHead(check.ok ? 200 : 401);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
