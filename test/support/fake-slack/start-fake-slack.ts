import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeWorkspace } from './fake-workspace.js';
import { FaultQueue } from './fault-queue.js';
import { parseRequestBody } from './parse-request-body.js';
import { RateLimits } from './rate-limits.js';
import type { FakeFile, FakeSlack, FakeSlackOptions, Outage, RecordedCall } from './types.js';
import { WEB_API_METHODS } from './web-api-methods.js';

/** Slack allows 5 uses of a response_url. */
const RESPONSE_URL_USES = 5;

/**
 * Starts a local HTTP server that answers like the Slack Web API (`/api/<method>`), the file upload URLs
 * it hands out (`/upload/<id>`) and response_urls (`/response-url/<id>`). Every request is recorded.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const expectedToken = options.token ?? 'xoxb-test';
  const workspace = new FakeWorkspace(options);
  const faults = new FaultQueue();
  const calls: RecordedCall[] = [];
  const responseUrlUses = new Map<string, number>();
  const limits = options.limits ? new RateLimits(options.limits) : undefined;
  let latencyMs = options.latencyMs ?? 0;
  let outage: Outage | undefined;
  let origin = '';
  let acted: ((call: RecordedCall) => Promise<void> | void) | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const raw = await readBody(req);
    const [, area, name = ''] = url.pathname.split('/');
    const method =
      area === 'api'
        ? name
        : area === 'response-url'
          ? 'response_url'
          : area === 'upload'
            ? 'file_upload'
            : '';
    if (req.method !== 'POST' && req.method !== 'GET')
      return send(res, 405, { ok: false, error: 'method_not_allowed' });
    if (method === '') return send(res, 404, { ok: false, error: 'not_found' });

    let args: Record<string, unknown>;
    try {
      args = await parseRequestBody(raw, req.headers['content-type'], url.searchParams);
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const token =
      bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const call: RecordedCall = { method, args, at: Date.now() };
    if (token !== undefined) call.token = token;
    if (method === 'response_url') call.responseUrlId = name;
    calls.push(call);
    // Slack across the internet: every answer takes a while.
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const answer = (status: number, body: unknown) => {
      call.status = status;
      send(res, status, body);
    };
    if (outage?.kind === 'http') return answer(outage.status, `fake slack: HTTP ${outage.status}`);
    if (outage?.kind === 'rate_limited') {
      res.setHeader('Retry-After', String(outage.retryAfterSeconds));
      return answer(429, { ok: false, error: 'ratelimited' });
    }
    const limited =
      method === 'response_url' || method === 'file_upload' ? undefined : limits?.take(method, args);
    if (limited !== undefined) {
      res.setHeader('Retry-After', String(limited));
      return answer(429, { ok: false, error: 'ratelimited' });
    }
    const fault = faults.take(method);
    if (fault?.kind === 'rate_limited') {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return answer(429, { ok: false, error: 'ratelimited' });
    }
    if (fault?.kind === 'http') return answer(fault.status, `fake slack: HTTP ${fault.status}`);
    if (fault?.kind === 'platform') return answer(200, { ok: false, error: fault.error });

    if (method === 'response_url') {
      const uses = (responseUrlUses.get(name) ?? 0) + 1;
      responseUrlUses.set(name, uses);
      return uses > RESPONSE_URL_USES
        ? answer(404, { ok: false, error: 'used_url' })
        : answer(200, { ok: true });
    }
    if (method === 'file_upload') {
      const file = workspace.uploads.get(name);
      if (file === undefined || file.completed) return answer(404, 'not found');
      // Slack takes raw bytes or a multipart form; the size must be the one getUploadURLExternal was told.
      const bytes = await uploadedBytes(raw, req.headers['content-type'], args);
      if (bytes.length !== file.length)
        return answer(400, `size mismatch: expected ${file.length} bytes, got ${bytes.length}`);
      file.bytes = bytes;
      file.content = bytes.toString('utf8');
      return answer(200, `OK - ${bytes.length}`);
    }
    if (token === undefined) return answer(200, { ok: false, error: 'not_authed' });
    if (token !== expectedToken) return answer(200, { ok: false, error: 'invalid_auth' });
    const handler = WEB_API_METHODS[method];
    if (handler === undefined) return answer(200, { ok: false, error: 'unknown_method' });
    const result = handler(args, { workspace, origin });
    // Slack has acted on the call (a message is in the channel); the caller has not heard back yet.
    await acted?.(call);
    return answer(200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, `fake slack crashed: ${String(error)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const stopListening = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });

  return {
    url: `${origin}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id = 'default') => `${origin}/response-url/${encodeURIComponent(id)}`,
    failNext: (method, error, times) => faults.add(method, { kind: 'platform', error }, times),
    rateLimitNext: (method, retryAfterSeconds, times) =>
      faults.add(method, { kind: 'rate_limited', retryAfterSeconds }, times),
    failHttpNext: (method, status, times) => faults.add(method, { kind: 'http', status }, times),
    messages: (channel) => workspace.messages(channel),
    files: () => [...workspace.uploads.values()].map(copyFile),
    waitFor: (predicate, timeoutMs = 10_000) => waitFor(predicate, timeoutMs, calls),
    setUserGroups: (groupId, userIds) => void workspace.userGroups.set(groupId, [...userIds]),
    setLatency: (ms) => void (latencyMs = ms),
    onActed: (hook) => void (acted = hook),
    async down(mode) {
      outage = mode;
      // Refused connections: stop listening and cut the open ones, as a host that is gone does.
      if (mode.kind === 'refuse' && server.listening) await stopListening();
    },
    async up() {
      outage = undefined;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: async () => {
      if (server.listening) await stopListening();
    },
  };
}

/** A copy a test can hold: later uploads do not change it. */
function copyFile(file: FakeFile): FakeFile {
  const { bytes, ...rest } = file;
  return { ...structuredClone(rest), ...(bytes ? { bytes: Buffer.from(bytes) } : {}) };
}

/** The file in an upload: the multipart form's file (or `body`/`file` field), a form's `body`, else the raw body. */
async function uploadedBytes(
  raw: Buffer,
  contentType: string | undefined,
  args: Record<string, unknown>,
): Promise<Buffer> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType ?? '' },
    }).formData();
    for (const [, value] of form)
      if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    const field = args.body ?? args.file;
    return Buffer.from(typeof field === 'string' ? field : '', 'utf8');
  }
  return raw;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = typeof body !== 'string';
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
  });
  res.end(json ? JSON.stringify(body) : body);
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

async function waitFor(predicate: () => boolean, timeoutMs: number, calls: RecordedCall[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      const seen = calls.map((c) => c.method).join(', ') || 'none';
      throw new Error(`fake slack: condition not met within ${timeoutMs} ms (calls so far: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
