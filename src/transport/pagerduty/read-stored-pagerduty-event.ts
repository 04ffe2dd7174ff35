import { incidentTimeSchema } from './pagerduty-event-schema.js';
import {
  dedupeKeyOf,
  parseJsonBody,
  readPagerDutyWebhook,
  toRef,
  type IncidentEventType,
  type PagerDutyEvent,
  type PagerDutyIncident,
  type ParsedPagerDutyWebhook,
} from './parse-pagerduty-webhook.js';
import { peekHandledEventId } from './peek-handled-event.js';

type Json = Record<string, unknown>;
type RawRef = Parameters<typeof toRef>[0];

/**
 * Reads a webhook body the inbound stream kept (data from the past: checked again, never trusted), as
 * `parsePagerDutyWebhook` would: the same answer, for less. An `incident.triggered`/`resolved` event that
 * `peekHandledEventId`'s property checks accept (the checks the schemas make, never fewer) is built from
 * them directly; anything else goes through the schemas. A property test holds the two to the same answer.
 */
export function readStoredPagerDutyEvent(
  body: string,
  headers: { webhookId?: string | undefined } = {},
): ParsedPagerDutyWebhook {
  const json = parseJsonBody(body);
  if (!json.ok) return json;
  if (peekHandledEventId(json.json) === undefined) return readPagerDutyWebhook(json.json, headers);
  const event = handledEvent((json.json as { event: Json }).event);
  return { ok: true, dedupeKey: dedupeKeyOf(event.id, headers), event };
}

/** The event of a body `peekHandledEventId` accepted (so every field read here has the type cast to). */
function handledEvent(raw: Json): PagerDutyEvent {
  const agent = raw['agent'] as (RawRef & { type?: string }) | null | undefined;
  const client = raw['client'] as { name?: string | null } | null | undefined;
  return {
    id: raw['id'] as string,
    eventType: raw['event_type'] as IncidentEventType,
    resourceType: raw['resource_type'] as string,
    occurredAt: raw['occurred_at'] as string,
    ...(agent ? { agent: { ...toRef(agent), ...(agent.type ? { type: agent.type } : {}) } } : {}),
    ...(client?.name ? { client: client.name } : {}),
    kind: 'incident',
    incident: incidentOf(raw['data'] as Json),
  };
}

function incidentOf(data: Json): PagerDutyIncident {
  const { number, urgency } = data;
  const policy = data['escalation_policy'] as RawRef | null | undefined;
  const createdAt = incidentTimeSchema.safeParse(data['created_at']);
  return {
    id: data['id'] as string,
    title: data['title'] as string,
    status: data['status'] as string,
    url: data['html_url'] as string,
    service: toRef(data['service'] as RawRef),
    ...(typeof number === 'number' ? { number } : {}),
    ...(typeof urgency === 'string' && urgency ? { urgency } : {}),
    ...(policy ? { escalationPolicy: toRef(policy) } : {}),
    ...(createdAt.success ? { createdAt: createdAt.data } : {}),
  };
}
