type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What pagerduty-event-schema.ts reads of a reference, an envelope and an incident (nothing else). */
const REFERENCE_FIELDS = ['id', 'type', 'summary', 'html_url'] as const;
const EVENT_FIELDS = ['id', 'event_type', 'resource_type', 'occurred_at'] as const;
const INCIDENT_FIELDS = [
  'id',
  'type',
  'number',
  'title',
  'status',
  'urgency',
  'html_url',
  'created_at',
] as const;

function pick(source: Json, fields: readonly string[], into: Json = {}): Json {
  for (const field of fields) if (source[field] !== undefined) into[field] = source[field];
  return into;
}

/** A reference as sent (`null` stays `null`), with only the fields the schema reads when it is an object. */
function reference(value: unknown): unknown {
  return isObject(value) ? pick(value, REFERENCE_FIELDS) : value;
}

/**
 * The text kept of an event the bot acts on (one `peekHandledEventId` accepted): the same V3 webhook, with
 * only the fields `parsePagerDutyWebhook` reads of it, so the handler reads exactly what it would have read
 * of the whole body (a property test holds it to that). A PagerDuty incident body is about 2.4 KB, of which
 * the bot reads about 0.8: the rest (assignees, teams, priority, conference bridge, API links) is not stored,
 * which makes each delivery's write to Redis, Redis's work and the handler's reading smaller.
 */
export function handledEventText(json: unknown): string {
  const event = isObject(json) && isObject(json['event']) ? json['event'] : {};
  const data = isObject(event['data']) ? event['data'] : {};
  const kept = pick(event, EVENT_FIELDS);
  if (event['agent'] !== undefined) kept['agent'] = reference(event['agent']);
  const client = event['client'];
  if (client !== undefined) kept['client'] = isObject(client) ? pick(client, ['name']) : client;
  const incident = pick(data, INCIDENT_FIELDS);
  incident['service'] = reference(data['service']);
  if (data['escalation_policy'] !== undefined)
    incident['escalation_policy'] = reference(data['escalation_policy']);
  kept['data'] = incident;
  return JSON.stringify({ event: kept });
}
