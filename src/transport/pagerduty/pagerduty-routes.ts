import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../../observability/logger.js';
import type { RawAnswer, RawJsonRoute } from '../http/raw-json-route.js';
import type { IncomingEvent } from '../../queue/inbound-event-queue.js';
import { parseJsonBody, readPagerDutyWebhook, type PagerDutyEvent } from './parse-pagerduty-webhook.js';
import { parseRollbackAction } from './parse-rollback-action.js';
import { verifyActionToken } from './verify-action-token.js';
import { verifyPagerDutySignature } from './verify-pagerduty-signature.js';
import { handledEventText } from './handled-event-text.js';
import { HANDLED_EVENT_TYPES, peekHandledEventId } from './peek-handled-event.js';

export interface PagerDutyRoutesOptions {
  /** PAGERDUTY_WEBHOOK_SECRETS; empty: every webhook is refused (401). */
  secrets: readonly string[];
  /** PAGERDUTY_ACTION_TOKEN; unset: the rollback action is refused (401). */
  actionToken: string | undefined;
  /**
   * Remembers the delivery and queues it, or says it was taken before (a redelivered webhook is
   * acknowledged without acting again). Throws when Redis does not take it.
   */
  intake: { accept(dedupeKey: string, event: IncomingEvent): Promise<'accepted' | 'duplicate'> };
  /** Whether a service named in an action exists (checked before answering, so the author sees a typo). */
  knowsService: (name: string) => boolean;
  log: Logger;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /webhooks/pagerduty/rollback` (incident workflow actions): check the token, parse, enqueue and answer
 * at once; the inbound queue does the rest. A request that fails the check changes nothing.
 * (`POST /webhooks/pagerduty` is `pagerDutyWebhookRoute`, served before Fastify.)
 */
export function pagerDutyRoutes(options: PagerDutyRoutesOptions) {
  const { log } = options;
  return (app: FastifyInstance): void => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    // Token-authenticated: exempt from the host policy, whatever name it was sent to.
    app.post('/webhooks/pagerduty/rollback', { config: { hostPolicy: 'exempt' } }, async (request, reply) => {
      if (!options.actionToken) return reply.code(401).send({ error: 'PAGERDUTY_ACTION_TOKEN is not set' });
      if (!verifyActionToken(header(request.headers.authorization), options.actionToken)) {
        log.warn('refused a PagerDuty rollback action: wrong or missing bearer token');
        return reply.code(401).send({ error: 'invalid bearer token' });
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const parsed = parseRollbackAction(body);
      if (!parsed.ok) return reply.code(400).send({ error: parsed.message, problems: parsed.problems });
      const service = parsed.action.service;
      if (service !== undefined && !options.knowsService(service))
        return reply
          .code(400)
          .send({ error: `Rollback request refused: no service "${service}" in the catalog.` });
      return accept(reply, `action:${randomUUID()}`, {
        source: 'pagerduty-action',
        body: body.toString('utf8'),
        receivedAt: new Date().toISOString(),
      });
    });

    async function accept(reply: FastifyReply, dedupeKey: string, event: IncomingEvent) {
      const answer = await acceptInbound(options, dedupeKey, event);
      return reply.code(answer.status).send(answer.body);
    }
  };
}

/**
 * `POST /webhooks/pagerduty` (V3 webhooks), served before Fastify (a raw route: the hot path under a burst of
 * events): verify the signature on the raw bytes, parse, then dedupe and store in one round trip per batch
 * and answer 202 at once. A request that fails verification changes nothing (401). A well-signed event the
 * bot cannot read or does not act on is logged and acknowledged (a 4xx would make PagerDuty disable the
 * subscription). Redis not taking it: 503, and PagerDuty delivers it again.
 */
export function pagerDutyWebhookRoute(options: PagerDutyRoutesOptions): RawJsonRoute {
  const { log } = options;
  return {
    path: '/webhooks/pagerduty',
    async handle(body, headers): Promise<RawAnswer> {
      const check = verifyPagerDutySignature(body, header(headers['x-pagerduty-signature']), options.secrets);
      if (!check.ok) {
        log.warn({ reason: check.reason }, 'refused a PagerDuty webhook');
        return { status: 401, body: { error: check.reason } };
      }
      const webhookId = header(headers['x-webhook-id']);
      const read = readWebhook(body, webhookId);
      if ('ignored' in read) {
        if (read.unreadable)
          log.warn({ reason: read.ignored, webhookId }, 'ignored a PagerDuty webhook it cannot read');
        else
          log.info(
            { reason: read.ignored, webhookId },
            'ignored a PagerDuty webhook the bot does not act on',
          );
        return { status: 202, body: { status: 'ignored', reason: read.ignored } };
      }
      // By event id: the same on every attempt and across subscriptions that cover the same service.
      return acceptInbound(options, `event:${read.eventId}`, {
        source: 'pagerduty-event',
        body: read.kept ?? body,
        ...(webhookId === undefined ? {} : { webhookId }),
        receivedAt: new Date().toISOString(),
      });
    },
  };
}

/**
 * What a verified webhook body asks for: the id of an event to act on, or why it is ignored. An event the
 * bot acts on (the common case under a burst) is read in a few property checks, and what is stored of it
 * is the text of the fields the handler reads (`handledEventText`); anything else is parsed with the
 * schemas for its answer (an event acted on that way is stored as received).
 */
function readWebhook(
  body: Buffer,
  webhookId: string | undefined,
): { eventId: string; kept?: string } | { ignored: string; unreadable: boolean } {
  const json = parseJsonBody(body);
  if (!json.ok) return { ignored: json.reason, unreadable: true };
  const handledId = peekHandledEventId(json.json);
  if (handledId !== undefined) return { eventId: handledId, kept: handledEventText(json.json) };
  const parsed = readPagerDutyWebhook(json.json, { webhookId });
  if (!parsed.ok) return { ignored: parsed.reason, unreadable: true };
  if (!acts(parsed.event)) return { ignored: ignoredWhy(parsed.event), unreadable: false };
  return { eventId: parsed.event.id };
}

async function acceptInbound(
  options: PagerDutyRoutesOptions,
  dedupeKey: string,
  event: IncomingEvent,
): Promise<RawAnswer> {
  try {
    return { status: 202, body: { status: await options.intake.accept(dedupeKey, event) } };
  } catch (error) {
    options.log.error({ err: error, source: event.source }, 'could not queue a PagerDuty request');
    // 5xx: PagerDuty delivers it again later.
    return { status: 503, body: { error: 'the bot could not queue this request; try again' } };
  }
}

function acts(event: PagerDutyEvent): boolean {
  return event.kind === 'incident' && HANDLED_EVENT_TYPES.has(event.eventType);
}

function ignoredWhy(event: PagerDutyEvent): string {
  return event.kind === 'unknown' ? event.reason : `event type ${event.eventType} is not acted on`;
}
