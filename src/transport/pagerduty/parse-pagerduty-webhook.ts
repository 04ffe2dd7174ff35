import {
  eventEnvelopeSchema,
  incidentChildDataSchema,
  incidentDataSchema,
  type EventEnvelope,
} from './pagerduty-event-schema.js';

/** The incident events whose `data` is the incident itself. */
export const INCIDENT_EVENT_TYPES = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.escalated',
  'incident.reassigned',
  'incident.delegated',
  'incident.priority_updated',
] as const;
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

export interface PagerDutyRef {
  id: string;
  summary?: string;
  url?: string;
}

/** What the bot needs of an incident, in its own names. */
export interface PagerDutyIncident {
  id: string;
  number?: number;
  title: string;
  status: string;
  urgency?: string;
  url: string;
  service: PagerDutyRef;
  escalationPolicy?: PagerDutyRef;
  /** When the incident was opened (ISO), if PagerDuty said and it reads as a time. */
  createdAt?: string;
}

interface EventCommon {
  /** `event.id`. */
  id: string;
  eventType: string;
  resourceType: string;
  occurredAt: string;
  /** Who caused it (a user, a service), if PagerDuty says. */
  agent?: PagerDutyRef & { type?: string };
  client?: string;
}

export type PagerDutyEvent =
  | (EventCommon & { kind: 'incident'; eventType: IncidentEventType; incident: PagerDutyIncident })
  /** Other `incident.*` events (annotated, status_update_published, responder.*, workflow.*). */
  | (EventCommon & { kind: 'incident_related'; incident: PagerDutyRef })
  /** Any other event type, or one whose data the bot cannot read: acknowledged and ignored. */
  | (EventCommon & { kind: 'unknown'; reason: string });

export type ParsedPagerDutyWebhook =
  { ok: true; dedupeKey: string; event: PagerDutyEvent } | { ok: false; reason: string };

/** A webhook body as JSON; malformed JSON is a reason, never an exception. */
export function parseJsonBody(
  rawBody: Buffer | string,
): { ok: true; json: unknown } | { ok: false; reason: string } {
  try {
    const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
}

/**
 * Parses a verified V3 webhook body. Never throws: malformed JSON or an envelope without the V3 event
 * fields is `{ ok: false }` (log and acknowledge it), an event type the bot does not act on is
 * `kind: 'unknown'`. The dedupe key is `X-Webhook-Id` (the same on every delivery attempt) when PagerDuty
 * sent one, else `event.id`.
 */
export function parsePagerDutyWebhook(
  rawBody: Buffer | string,
  headers: { webhookId?: string | undefined } = {},
): ParsedPagerDutyWebhook {
  const body = parseJsonBody(rawBody);
  return body.ok ? readPagerDutyWebhook(body.json, headers) : body;
}

/** `parsePagerDutyWebhook` of a body already parsed as JSON. */
export function readPagerDutyWebhook(
  json: unknown,
  headers: { webhookId?: string | undefined } = {},
): ParsedPagerDutyWebhook {
  const envelope = eventEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const fields = envelope.error.issues.map((issue) => issue.path.join('.') || '(body)');
    return { ok: false, reason: `not a V3 webhook event (check ${[...new Set(fields)].join(', ')})` };
  }
  const event = toEvent(envelope.data.event);
  return { ok: true, dedupeKey: dedupeKeyOf(event.id, headers), event };
}

/** `X-Webhook-Id` when it is a plain id (the same on every delivery attempt), else the event id. */
export function dedupeKeyOf(eventId: string, headers: { webhookId?: string | undefined }): string {
  const webhookId = headers.webhookId?.trim();
  return webhookId !== undefined && /^[\w.-]{1,200}$/.test(webhookId)
    ? `webhook:${webhookId}`
    : `event:${eventId}`;
}

function toEvent(raw: EventEnvelope['event']): PagerDutyEvent {
  const common: EventCommon = {
    id: raw.id,
    eventType: raw.event_type,
    resourceType: raw.resource_type,
    occurredAt: raw.occurred_at,
    ...(raw.agent
      ? { agent: { ...toRef(raw.agent), ...(raw.agent.type ? { type: raw.agent.type } : {}) } }
      : {}),
    ...(raw.client?.name ? { client: raw.client.name } : {}),
  };
  if (isIncidentEventType(raw.event_type)) {
    const data = incidentDataSchema.safeParse(raw.data);
    if (!data.success) return { ...common, kind: 'unknown', reason: 'incident data unreadable' };
    const d = data.data;
    const incident: PagerDutyIncident = {
      id: d.id,
      title: d.title,
      status: d.status,
      url: d.html_url,
      service: toRef(d.service),
      ...(typeof d.number === 'number' ? { number: d.number } : {}),
      ...(d.urgency ? { urgency: d.urgency } : {}),
      ...(d.escalation_policy ? { escalationPolicy: toRef(d.escalation_policy) } : {}),
      ...(d.created_at ? { createdAt: d.created_at } : {}),
    };
    return { ...common, kind: 'incident', eventType: raw.event_type, incident };
  }
  if (raw.event_type.startsWith('incident.')) {
    const data = incidentChildDataSchema.safeParse(raw.data);
    if (data.success) return { ...common, kind: 'incident_related', incident: toRef(data.data.incident) };
    return { ...common, kind: 'unknown', reason: 'incident reference unreadable' };
  }
  return { ...common, kind: 'unknown', reason: `event type ${raw.event_type} is not handled` };
}

function isIncidentEventType(type: string): type is IncidentEventType {
  return (INCIDENT_EVENT_TYPES as readonly string[]).includes(type);
}

export function toRef(ref: { id: string; summary?: string | null; html_url?: string | null }): PagerDutyRef {
  return {
    id: ref.id,
    ...(ref.summary ? { summary: ref.summary } : {}),
    ...(ref.html_url ? { url: ref.html_url } : {}),
  };
}
