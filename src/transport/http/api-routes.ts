import type { GitopsHold } from '../../rollback/ports/gitops-holds.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../errors/rollback-error.js';
import type { EvidenceSnapshots } from '../../rollback/evidence-snapshots.js';
import type { AuditLog } from '../../rollback/ports/audit-log.js';
import type { RollbackService } from '../../rollback/rollback-service.js';
import { isLocalRequest } from './local-request.js';
import { bearerToken, sameSecret } from './same-secret.js';

export interface ApiRoutesOptions {
  rollbacks: RollbackService;
  audit: AuditLog;
  /** When set, every /api request needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** `POST /api/services/<svc>/snapshots`: a deploy pipeline takes the pre-deploy baseline. */
  snapshots?: EvidenceSnapshots;
}

const snapshotBody = z
  .object({
    label: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, like pre-deploy')
      .default('pre-deploy'),
    /** Who asks (the pipeline's name), for the audit log. */
    requestedBy: z
      .string()
      .regex(/^[\w .@:/-]{1,80}$/)
      .default('api'),
  })
  .strict();

const auditQuery = z.object({
  service: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional(),
  jobId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,100}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * JSON for other tools: `GET /api/services/<svc>` (is it marked rolled back? is a rollback active? a deploy
 * pipeline refuses to deploy over a mark) and `GET /api/audit?service=&jobId=&limit=` (newest first).
 */
export function apiRoutes(options: ApiRoutesOptions): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (options.token === undefined) {
        // Without API_TOKEN the API (audit trail, active job ids) answers this machine only, like reports.
        if (isLocalRequest(request)) return;
        return reply.code(403).send({
          error: 'forbidden',
          message: 'The API answers localhost only until API_TOKEN is set.',
        });
      }
      const bearer = bearerToken(request.headers.authorization);
      if (bearer === undefined || !sameSecret(bearer, options.token)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>.' });
      }
    });

    app.get<{ Params: { name: string } }>('/api/services/:name', async (request, reply) => {
      try {
        const { service, rolledBack, active, gitopsHold } = await options.rollbacks.serviceState(
          request.params.name,
        );
        return {
          name: service.name,
          environment: service.environment,
          rolledBack: rolledBack
            ? { by: rolledBack.by, at: rolledBack.at, jobId: rolledBack.jobId, to: rolledBack.to }
            : null,
          gitops: gitopsJson(gitopsHold),
          activeJob: active
            ? {
                jobId: active.jobId,
                state: active.state,
                requester: { id: active.requester.id, name: active.requester.name },
                from: active.from,
                to: active.to,
              }
            : null,
        };
      } catch (error) {
        if (error instanceof InputError)
          return reply.code(404).send({ error: error.code, message: error.message });
        throw error;
      }
    });

    app.post<{ Params: { name: string } }>('/api/services/:name/snapshots', async (request, reply) => {
      const body = snapshotBody.safeParse(request.body ?? {});
      if (!body.success) {
        return reply.code(400).send({
          error: 'bad_request',
          message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      }
      if (!options.snapshots)
        return reply.code(404).send({ error: 'not_available', message: 'Snapshots are not served here.' });
      const { label, requestedBy } = body.data;
      try {
        const capture = await options.snapshots.take(request.params.name, label, {
          id: requestedBy,
          name: requestedBy,
          source: 'http',
        });
        return reply.code(201).send({ service: request.params.name, label, ...capture });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        const status = error.code === 'unknown_service' ? 404 : 409;
        return reply.code(status).send({ error: error.code, message: error.message, hint: error.hint });
      }
    });

    app.get('/api/audit', async (request, reply) => {
      const query = auditQuery.safeParse(request.query);
      if (!query.success) {
        return reply.code(400).send({
          error: 'bad_query',
          message: query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      }
      const { service, jobId, limit } = query.data;
      const entries = await options.audit.list({
        limit,
        ...(service ? { service } : {}),
        ...(jobId ? { jobId } : {}),
      });
      return { entries };
    });
  };
}

/** "GitOps paused" for other tools: which CD object the bot holds, since when, and what it restores. */
function gitopsJson(hold: GitopsHold | undefined): Record<string, unknown> {
  if (!hold) return { paused: false };
  return {
    paused: true,
    object: hold.description,
    kind: hold.kind,
    jobId: hold.jobId,
    since: hold.at,
    original: hold.original,
    ...(hold.revert ? { revert: hold.revert } : {}),
  };
}
