import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';
import { isLocalRequest } from './local-request.js';
import { bearerToken, sameSecret } from './same-secret.js';

/**
 * `GET /metrics` (Prometheus). With METRICS_TOKEN (or, failing it, API_TOKEN) a scrape needs
 * `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials: ...}`); without either, only
 * this machine may read it.
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (token === undefined) {
      if (!isLocalRequest(request))
        return reply.code(403).send({
          error: 'forbidden',
          message: '/metrics answers localhost only until METRICS_TOKEN (or API_TOKEN) is set.',
        });
    } else {
      const given = bearerToken(request.headers.authorization);
      if (given === undefined || !sameSecret(given, token))
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
