/** The HTTP plumbing the monitoring fakes share: an ephemeral port, a request log and scripted faults. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type HttpFault = { status: number; times?: number } | { delayMs: number; times?: number };

export interface JsonReply {
  status: number;
  body: unknown;
}

export interface FakeHttpServer {
  url: string;
  /** Path and query of every request, in order. */
  requests: URL[];
  injectFault(fault: HttpFault): void;
  close(): Promise<void>;
}

export async function startFakeHttpServer(
  route: (url: URL, req: IncomingMessage) => JsonReply,
): Promise<FakeHttpServer> {
  const faults: (HttpFault & { left: number })[] = [];
  const requests: URL[] = [];
  let base = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    requests.push(url);
    const fault = faults[0];
    if (fault) {
      fault.left -= 1;
      if (fault.left <= 0) faults.shift();
      if ('delayMs' in fault) await sleep(fault.delayMs);
      else
        return send(res, {
          status: fault.status,
          body: { status: 'error', errorType: 'unavailable', error: `injected ${fault.status}` },
        });
    }
    send(res, route(url, req));
  };
  const server = createServer((req, res) => {
    req.resume();
    handle(req, res).catch((error: unknown) => send(res, { status: 500, body: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    injectFault: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: JsonReply): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
