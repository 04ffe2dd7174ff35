import { z } from 'zod';

/**
 * PagerDuty V3 webhook payloads, leniently: unknown fields pass through untouched (PagerDuty adds fields
 * over time) and only what the bot reads is checked. See test/fixtures/pagerduty/ for recorded shapes.
 */
const reference = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  summary: z.string().nullish(),
  html_url: z.string().nullish(),
});

export const eventEnvelopeSchema = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().min(1),
    occurred_at: z.string().min(1),
    agent: reference.nullish(),
    client: z.looseObject({ name: z.string().nullish() }).nullish(),
    data: z.unknown(),
  }),
});

/** `event.data` when `data.type` is `incident` (triggered, acknowledged, resolved, ...). */
export const incidentDataSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('incident'),
  number: z.number().int().nullish(),
  title: z.string(),
  status: z.string().min(1),
  urgency: z.string().nullish(),
  html_url: z.string().min(1),
  service: reference,
  escalation_policy: reference.nullish(),
});

/** `event.data` of the other incident events (notes, status updates, responders): it names its incident. */
export const incidentChildDataSchema = z.looseObject({
  type: z.string(),
  incident: reference,
});

export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
export type IncidentData = z.output<typeof incidentDataSchema>;
