import { createHash, timingSafeEqual } from 'node:crypto';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  /** The queues to show: each site's rollback queue. */
  queues: () => Queue[];
  /** API_TOKEN. Unset: the dashboard refuses everyone (it is never open). */
  token: string | undefined;
}

/**
 * Bull Board at /admin/queues: each site's queue, its waiting, active, delayed, completed and failed jobs,
 * read-only (a job is cancelled with `/rollback cancel`, which keeps locks, snapshots and the audit trail
 * right; removing or retrying it here would not). Behind API_TOKEN: `Authorization: Bearer <token>`, or
 * Basic with the token as the password (any user name), which a browser asks for and then keeps sending.
 *
 * Bull Board is loaded at the first request that passes the guard, not at start-up (a bot whose dashboard
 * nobody opens does not hold it): it runs in its own Fastify instance, and this app's routes under the
 * path hand it each request in memory (`inject`) and send back its answer.
 */
export function queueDashboard(options: QueueDashboardOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.addHook('onRequest', (request, reply) => guard(options.token, request, reply));
    let board: Promise<FastifyInstance> | undefined;
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      board ??= startBoard(options.queues()).catch((error: unknown) => {
        board = undefined;
        throw error;
      });
      const answer = await (
        await board
      ).inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { payload: request.body as string }),
      });
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
      );
      return reply.code(answer.statusCode).headers(headers).send(answer.rawPayload);
    };
    app.all(QUEUE_DASHBOARD_PATH, forward);
    app.all(`${QUEUE_DASHBOARD_PATH}/*`, forward);
  };
}

/** Set again by this app for the body it sends. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

async function startBoard(queues: Queue[]): Promise<FastifyInstance> {
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'rollback-bot' } },
  });
  const board = Fastify();
  await board.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  await board.ready();
  return board;
}

async function guard(token: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (token === undefined) {
    await reply.code(403).send({
      error: 'forbidden',
      message: 'The queue dashboard is off until API_TOKEN is set; then sign in with it as the password.',
    });
    return;
  }
  if (presented(request.headers.authorization, token)) return;
  await reply
    .code(401)
    .header('www-authenticate', 'Basic realm="rollback-bot queues", charset="UTF-8"')
    .send({
      error: 'unauthorized',
      message: 'Sign in with API_TOKEN as the password, or send Bearer <API_TOKEN>.',
    });
}

/** Whether the header carries the token: as a bearer token, or as the password of Basic credentials. */
function presented(authorization: string | undefined, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (bearer !== undefined) return sameSecret(bearer, token);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')?.[1];
  if (basic === undefined) return false;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && sameSecret(decoded.slice(colon + 1), token);
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
