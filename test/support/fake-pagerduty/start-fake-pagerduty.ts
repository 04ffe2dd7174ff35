import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAccount } from './fake-account.js';
import { REST_ROUTES, pdError, type RouteAnswer } from './rest-routes.js';
import type { FakeFault, FakePagerDuty, FakePagerDutyOptions, FakeRoute, RecordedCall } from './types.js';

const ACCEPTED_MEDIA = ['application/vnd.pagerduty+json;version=2', 'application/json'];

/**
 * A local PagerDuty REST API v2 (`http://127.0.0.1:<port>`): incidents, notes, status updates, on-calls,
 * users, responder requests and escalation policies, answering with PagerDuty's JSON shapes and error
 * envelope. Like PagerDuty it checks `Authorization: Token token=...`, the `Accept` media type, a JSON
 * `Content-Type` on writes and the `From` header (a known user's e-mail) on notes, status updates and
 * responder requests. Every request is recorded; faults (429 with Retry-After, 5xx, no answer, down) are
 * scripted per route.
 */
export async function startFakePagerDuty(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  const token = options.token ?? 'pd-test-token';
  const account = new FakeAccount(options);
  const calls: RecordedCall[] = [];
  const faults: { route: FakeRoute | '*'; fault: FakeFault; remaining: number }[] = [];
  const hanging = new Set<ServerResponse>();

  const takeFault = (route: FakeRoute | 'unknown'): FakeFault | undefined => {
    const index = faults.findIndex((f) => f.route === '*' || f.route === route);
    const entry = faults[index];
    if (entry === undefined) return undefined;
    if (--entry.remaining === 0) faults.splice(index, 1);
    return entry.fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake-pagerduty');
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    const call: RecordedCall = {
      route: match?.route ?? 'unknown',
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: pickHeaders(req),
      body: parseJson(raw),
      status: 0,
      at: Date.now(),
    };
    calls.push(call);
    const answer = (result: RouteAnswer, headers: Record<string, string> = {}): void => {
      call.status = result.status;
      send(res, result, headers);
    };

    const fault = takeFault(call.route);
    if (fault?.kind === 'hang') return void hanging.add(res);
    if (fault?.kind === 'rate_limited')
      return answer(pdError(429, 2020, 'Rate Limit Exceeded'), {
        'retry-after': String(fault.retryAfterSeconds),
        'ratelimit-limit': '960',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(fault.retryAfterSeconds),
      });
    if (fault?.kind === 'http' && fault.html !== undefined) {
      call.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/html' });
      return void res.end(fault.html);
    }
    if (fault?.kind === 'http') return answer(pdError(fault.status, 2000, 'Internal Error'));

    if (req.headers.authorization !== `Token token=${token}`)
      return answer(pdError(401, 2006, 'Authentication failed'));
    const accept = (req.headers.accept ?? '').replace(/\s+/g, '').toLowerCase();
    if (!ACCEPTED_MEDIA.some((media) => accept.includes(media)))
      return answer(
        pdError(406, 2001, 'Not Acceptable: send Accept: application/vnd.pagerduty+json;version=2'),
      );
    if (!match) return answer(pdError(404, 2100, 'Not Found'));
    if (method === 'POST') {
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
        return answer(
          pdError(400, 2001, 'Invalid Input Provided', ['Content-Type must be application/json']),
        );
      if (call.body === undefined)
        return answer(pdError(400, 2001, 'Invalid Input Provided', ['Invalid JSON']));
    }
    answer(
      match.definition.handle({
        account,
        params: match.params,
        query: url.searchParams,
        body: call.body,
        from: header(req, 'from'),
      }),
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, pdError(500, 2000, `fake crashed: ${String(error)}`)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    callsTo: (route) => calls.filter((call) => call.route === route),
    notes: (id) => account.notes.filter((note) => note.incidentId === id),
    statusUpdates: (id) => account.statusUpdates.filter((update) => update.incidentId === id),
    responderRequests: (id) => account.responderRequests.filter((request) => request.incidentId === id),
    failNext: (route, fault, times = 1) => void faults.push({ route, fault, remaining: times }),
    down: stopListening,
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    waitFor: (predicate, timeoutMs = 5000) => waitFor(predicate, timeoutMs, calls),
    close: stopListening,
  };
}

function matchRoute(method: string, path: string) {
  for (const definition of REST_ROUTES) {
    if (definition.method !== method) continue;
    const found = definition.pattern.exec(path);
    if (found) return { route: definition.route, definition, params: found.slice(1) };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pickHeaders(req: IncomingMessage): RecordedCall['headers'] {
  const picked: RecordedCall['headers'] = {};
  const pairs = [
    ['authorization', 'authorization'],
    ['accept', 'accept'],
    ['contentType', 'content-type'],
    ['from', 'from'],
    ['userAgent', 'user-agent'],
  ] as const;
  for (const [key, name] of pairs) {
    const value = header(req, name);
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) (out[key] ??= []).push(value);
  return out;
}

function send(res: ServerResponse, answer: RouteAnswer, headers: Record<string, string> = {}): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(answer.body));
}

async function waitFor(predicate: () => boolean, timeoutMs: number, calls: RecordedCall[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      const seen = calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(', ') || 'none';
      throw new Error(`fake PagerDuty: condition not met within ${timeoutMs} ms (calls: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
