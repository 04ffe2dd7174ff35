import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SlackRequestReceiver } from '../slack/slack-request-receiver.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  log: Logger;
  slackReceiver?: SlackRequestReceiver;
  readiness: ReadinessCheck[];
  /** Prometheus metrics: served at /metrics, and every answer's duration observed. */
  metrics?: Metrics;
  /** Other routes (console, report pages, API) registered by their own modules. */
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
}

/**
 * The bot's HTTP surface. It only transports: Slack requests go to the Slack receiver with their raw body
 * (needed to check the signature); /healthz says the process is alive; /readyz that Redis answers.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
  });

  const metrics = options.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      options.readiness.map(async (r) => {
        try {
          await r.check();
          return { name: r.name, ok: true };
        } catch (error) {
          return { name: r.name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  const receiver = options.slackReceiver;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/slack/events', async (request, reply) => {
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
  return app as unknown as FastifyInstance;
}
