import { INCIDENT_EVENT_TYPES } from './parse-pagerduty-webhook.js';

/** The event types the bot acts on; every other well-signed event is acknowledged and dropped. */
export const HANDLED_EVENT_TYPES: ReadonlySet<string> = new Set(['incident.triggered', 'incident.resolved']);

const INCIDENT_TYPES: ReadonlySet<string> = new Set(INCIDENT_EVENT_TYPES);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const absent = (value: unknown) => value === undefined || value === null;
const nullishText = (value: unknown) => absent(value) || typeof value === 'string';

/** `reference` of pagerduty-event-schema.ts, checked by hand. */
function isReference(value: unknown): boolean {
  return (
    isObject(value) &&
    isText(value['id']) &&
    (value['type'] === undefined || typeof value['type'] === 'string') &&
    nullishText(value['summary']) &&
    nullishText(value['html_url'])
  );
}

function isIncidentData(data: unknown): boolean {
  if (!isObject(data)) return false;
  const number = data['number'];
  return (
    isText(data['id']) &&
    data['type'] === 'incident' &&
    (absent(number) || Number.isSafeInteger(number)) &&
    typeof data['title'] === 'string' &&
    isText(data['status']) &&
    nullishText(data['urgency']) &&
    isText(data['html_url']) &&
    isReference(data['service']) &&
    (absent(data['escalation_policy']) || isReference(data['escalation_policy']))
  );
}

/**
 * The fast path of the webhook route, a few property reads instead of the schemas: the event id when the
 * parsed body is certainly an event the bot acts on (`incident.triggered` or `incident.resolved` whose
 * envelope and incident `parsePagerDutyWebhook` reads), else undefined, and the route parses it fully for
 * the answer (ignored, and why). It checks what the schemas check, never less, so it accepts only what the
 * full parse would accept (a property test holds it to that); whatever it is unsure of goes the slow way.
 */
export function peekHandledEventId(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  const event = json['event'];
  if (!isObject(event)) return undefined;
  const type = event['event_type'];
  if (typeof type !== 'string' || !HANDLED_EVENT_TYPES.has(type) || !INCIDENT_TYPES.has(type))
    return undefined;
  const client = event['client'];
  const readable =
    isText(event['id']) &&
    isText(event['resource_type']) &&
    isText(event['occurred_at']) &&
    (absent(event['agent']) || isReference(event['agent'])) &&
    (absent(client) || (isObject(client) && nullishText(client['name']))) &&
    isIncidentData(event['data']);
  return readable ? (event['id'] as string) : undefined;
}
