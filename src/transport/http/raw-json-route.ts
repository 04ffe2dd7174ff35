import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { UnauthenticatedCap } from './http-limits.js';

/** What a raw route answers: a status and a JSON body. */
export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A hot POST route served by the Node server before Fastify (PagerDuty webhooks under load): the raw body
 * and headers in, a JSON answer out. It keeps the limits every route has (the body limit counted while
 * reading, the cap on requests being received, the server's timeouts) and is observed in the metrics;
 * Fastify's routing, hooks and serializers are what it skips. Only for routes that authenticate the
 * request themselves (a signature), as the host policy does not apply to them either.
 */
export interface RawJsonRoute {
  path: string;
  handle(body: Buffer, headers: IncomingHttpHeaders): Promise<RawAnswer>;
}

export interface RawRouteLimits {
  bodyLimitBytes: number;
  cap: UnauthenticatedCap;
  metrics?: Metrics | undefined;
  log: Logger;
}

/** The route `request` is for, when it is a POST to one of `routes`' paths (any query string). */
export function findRawRoute(
  routes: readonly RawJsonRoute[],
  request: IncomingMessage,
): RawJsonRoute | undefined {
  if (request.method !== 'POST' || routes.length === 0) return undefined;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return routes.find((route) => route.path === path);
}

function send(response: ServerResponse, answer: RawAnswer, close = false): void {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(text);
}

/** Reads the body (refusing it past the limit), runs the route, writes its answer. Never throws. */
export function serveRawRoute(
  route: RawJsonRoute,
  request: IncomingMessage,
  response: ServerResponse,
  limits: RawRouteLimits,
): void {
  const started = process.hrtime.bigint();
  response.once('finish', () =>
    limits.metrics?.httpDuration.observe(
      { route: route.path, status: String(response.statusCode) },
      Number(process.hrtime.bigint() - started) / 1e9,
    ),
  );
  if (!limits.cap.enter()) {
    request.resume();
    return send(
      response,
      { status: 503, body: { error: 'busy', message: 'Too many requests are being received; try again.' } },
      true,
    );
  }
  let left = true;
  const leave = () => {
    if (left) limits.cap.leave();
    left = false;
  };
  response.once('close', leave);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limits.bodyLimitBytes) return tooLarge(request, response, leave);
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limits.bodyLimitBytes) {
      request.removeAllListeners('data');
      return tooLarge(request, response, leave);
    }
    chunks.push(chunk);
  });
  request.on('error', () => leave());
  request.on('end', () => {
    if (size > limits.bodyLimitBytes || response.headersSent) return;
    leave();
    route
      .handle(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), request.headers)
      .then(
        (answer) => send(response, answer),
        (error: unknown) => {
          limits.log.error({ err: error, route: route.path }, 'raw route failed');
          send(response, { status: 500, body: { error: 'internal error' } });
        },
      );
  });
}

function tooLarge(request: IncomingMessage, response: ServerResponse, leave: () => void): void {
  leave();
  request.resume();
  send(
    response,
    { status: 413, body: { error: 'Payload Too Large', message: 'Request body is too large' } },
    true,
  );
}
