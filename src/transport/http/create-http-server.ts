import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SlackRequestReceiver } from '../slack/slack-request-receiver.js';
import { HostPolicy } from './host-policy.js';
import { protectHtmlPages } from './html-page-headers.js';
import {
  capUnauthenticated,
  DEFAULT_HTTP_LIMITS,
  serverLimitOptions,
  UnauthenticatedCap,
  type HttpLimits,
} from './http-limits.js';
import { findRawRoute, serveRawRoute, type RawJsonRoute, type RawRouteLimits } from './raw-json-route.js';
import { metricsRoute } from './metrics-route.js';

export interface ReadinessCheck {
  name: string;
  /** Throws (or takes too long) when not ready; a string it returns is shown as the check's `detail`. */
  check(): Promise<void | string>;
}

export interface HttpServerOptions {
  log: Logger;
  slackReceiver?: SlackRequestReceiver;
  readiness: ReadinessCheck[];
  /** Prometheus metrics: served at /metrics, and every answer's duration observed. */
  metrics?: Metrics;
  /** METRICS_TOKEN (else API_TOKEN): /metrics needs it as a bearer token; unset, /metrics is local only. */
  metricsToken?: string | undefined;
  /** Host names the bot answers to besides the loopback names (HOST, PUBLIC_URL's host, ALLOWED_HOSTS). */
  allowedHosts?: string[];
  /** Timeouts, body limit and the cap on requests being received; defaults in DEFAULT_HTTP_LIMITS. */
  limits?: Partial<HttpLimits>;
  /** How long /readyz waits for each check before it says "not ready" (default 2 s). */
  readinessTimeoutMs?: number;
  /** Other routes (console, report pages, API) registered by their own modules. */
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
  /** Signed webhook routes served before Fastify, with the same limits (see RawJsonRoute). */
  rawRoutes?: RawJsonRoute[];
}

/**
 * The bot's HTTP surface. It only transports: Slack requests go to the Slack receiver with their raw body
 * (needed to check the signature); /healthz says the process is alive; /readyz that Redis answers. Every
 * route but the signed webhooks and the probes answers only on the bot's own host names; slow and heavy
 * clients are cut off by the limits.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  // Typed as the plain instance every route module takes (Fastify's own type carries the pino logger's).
  const cap = new UnauthenticatedCap(limits.maxUnauthenticated);
  const raw: RawRouteLimits = {
    bodyLimitBytes: limits.bodyLimitBytes,
    cap,
    metrics: options.metrics,
    log: options.log.child({ component: 'http' }),
  };
  const rawRoutes = options.rawRoutes ?? [];
  const app = Fastify({
    loggerInstance: options.log.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    ...serverLimitOptions(limits),
    serverFactory: (handler, fastifyOptions) =>
      httpServer(fastifyOptions, (request, response) => {
        const route = findRawRoute(rawRoutes, request);
        if (route) serveRawRoute(route, request, response, raw);
        else handler(request, response);
      }),
  }) as unknown as FastifyInstance;
  capUnauthenticated(app, cap);
  new HostPolicy(options.allowedHosts).install(app);
  protectHtmlPages(app);

  const metrics = options.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    metricsRoute(app, metrics, options.metricsToken);
  }
  probeRoutes(app, options.readiness, options.readinessTimeoutMs ?? 2_000);

  const receiver = options.slackReceiver;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/slack/events', { config: { hostPolicy: 'exempt' } }, async (request, reply) => {
      if (!receiver) return reply.code(404).send({ error: 'Slack is not configured (no SLACK_BOT_TOKEN)' });
      const answer = await receiver.handle(
        typeof request.body === 'string' ? request.body : '',
        request.headers,
      );
      reply.code(answer.status);
      if (answer.contentType) reply.type(answer.contentType);
      return reply.send(answer.body ?? '');
    });
  });

  for (const plugin of options.plugins ?? []) await app.register(async (scope) => plugin(scope));
  return app;
}

/** /healthz (the process answers) and /readyz (every check answers within its time), for any host name. */
function probeRoutes(app: FastifyInstance, readiness: ReadinessCheck[], timeoutMs: number): void {
  const exempt = { config: { hostPolicy: 'exempt' as const } };
  app.get('/healthz', exempt, async () => ({ status: 'ok' }));
  app.get('/readyz', exempt, async (_request, reply) => {
    const results = await Promise.all(readiness.map((r) => runCheck(r, timeoutMs)));
    const ready = results.every((r) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
}

async function runCheck(
  readiness: ReadinessCheck,
  timeoutMs: number,
): Promise<{ name: string; ok: boolean; error?: string; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const detail = await Promise.race([readiness.check(), timeout]);
    return { name: readiness.name, ok: true, ...(typeof detail === 'string' ? { detail } : {}) };
  } catch (error) {
    return { name: readiness.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP/1 server Fastify would make, with its timeouts, whose listener may answer before Fastify. */
function httpServer(
  options: FastifyServerOptions & { http?: ServerOptions | null },
  listener: (request: IncomingMessage, response: ServerResponse) => void,
) {
  const server = createServer(options.http ?? {}, listener);
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
  server.setTimeout(options.connectionTimeout ?? 0);
  return server;
}
