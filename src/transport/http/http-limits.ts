import type { FastifyInstance } from 'fastify';

/** How long and how much a client may take; every figure has an environment variable (see app-config). */
export interface HttpLimits {
  /** The request line and headers must arrive within this (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** A connection silent for this long is closed (HTTP_IDLE_TIMEOUT_MS); the console's stream pings sooner. */
  idleTimeoutMs: number;
  /** Largest body accepted, counted while it is read (HTTP_BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /** Requests still being received (before any signature or token could be checked) at once (HTTP_MAX_UNAUTHENTICATED). */
  maxUnauthenticated: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  bodyLimitBytes: 256 * 1024,
  maxUnauthenticated: 64,
};

/** The options of Node's HTTP server and Fastify that enforce the limits while a request is read. */
export function serverLimitOptions(limits: HttpLimits) {
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    bodyLimit: limits.bodyLimitBytes,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above every this often (30 s by default, longer than they are).
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
  };
}

/**
 * Caps the requests being received at once: from the moment their headers are in until their body is
 * read (nothing has been authenticated yet: a signature needs the whole body). Past the cap a request is
 * answered 503 at once and its connection closed, so many slow or heavy clients cannot hold the memory
 * of one body each.
 */
export function capUnauthenticated(app: FastifyInstance, cap: UnauthenticatedCap): void {
  const counted = new WeakSet<object>();
  const release = (request: object) => {
    if (counted.delete(request)) cap.leave();
  };
  app.addHook('onRequest', async (request, reply) => {
    // However it ends: read and handled, refused (413), aborted by the client or cut off by a timeout.
    reply.raw.once('close', () => release(request));
    if (!cap.enter()) {
      return reply
        .code(503)
        .header('retry-after', '1')
        .header('connection', 'close')
        .send({ error: 'busy', message: 'Too many requests are being received; try again.' });
    }
    counted.add(request);
  });
  app.addHook('preHandler', async (request) => release(request));
}

/** The count of requests being received, shared by Fastify's routes and the raw routes served before it. */
export class UnauthenticatedCap {
  #pending = 0;

  constructor(readonly max: number) {}

  /** Counts one more request being received; false (not counted) when the cap is reached. */
  enter(): boolean {
    if (this.#pending >= this.max) return false;
    this.#pending += 1;
    return true;
  }

  leave(): void {
    this.#pending -= 1;
  }
}
