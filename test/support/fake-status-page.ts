import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A status-page webhook receiver: records JSON posts; answers scripted statuses first when asked. */
export interface FakeStatusPage {
  url: string;
  posts: { path: string; contentType: string | undefined; body: unknown }[];
  /** The next `times` posts get `status` (with `Retry-After` when given), or no answer (`'hang'`). */
  failNext(status: number | 'hang', times?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

export async function startFakeStatusPage(): Promise<FakeStatusPage> {
  const posts: FakeStatusPage['posts'] = [];
  const faults: { status: number | 'hang'; retryAfterSeconds?: number }[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = faults.shift();
    if (fault?.status === 'hang') return void hanging.add(res);
    if (fault) {
      res.writeHead(
        fault.status,
        fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
      );
      return void res.end('try later');
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400);
      return void res.end('not json');
    }
    posts.push({ path: req.url ?? '/', contentType: req.headers['content-type'], body });
    res.writeHead(204);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/status/s3cr3t-path-token`,
    posts,
    failNext: (status, times = 1, retryAfterSeconds) => {
      for (let i = 0; i < times; i++)
        faults.push({ status, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
