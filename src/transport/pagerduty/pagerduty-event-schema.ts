import { z } from 'zod';

/**
 * PagerDuty V3 webhook payloads, leniently: only what the bot reads is checked and kept; unknown fields
 * (PagerDuty adds fields over time) are accepted and left out of the output, which costs less than
 * copying them on every webhook. See test/fixtures/pagerduty/ for recorded shapes.
 */
const reference = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  summary: z.string().nullish(),
  html_url: z.string().nullish(),
});

export const eventEnvelopeSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().min(1),
    occurred_at: z.string().min(1),
    agent: reference.nullish(),
    client: z.object({ name: z.string().nullish() }).nullish(),
    data: z.unknown(),
  }),
});

/** An incident's `created_at`: an ISO time, with an offset or Z. */
export const incidentTimeSchema = z.iso.datetime({ offset: true });

/** `event.data` when `data.type` is `incident` (triggered, acknowledged, resolved, ...). */
export const incidentDataSchema = z.object({
  id: z.string().min(1),
  type: z.literal('incident'),
  number: z.number().int().nullish(),
  title: z.string(),
  status: z.string().min(1),
  urgency: z.string().nullish(),
  html_url: z.string().min(1),
  service: reference,
  escalation_policy: reference.nullish(),
  /** When the incident was opened; an unreadable time is dropped, not the event. */
  created_at: incidentTimeSchema.optional().catch(undefined),
});

/** `event.data` of the other incident events (notes, status updates, responders): it names its incident. */
export const incidentChildDataSchema = z.object({
  type: z.string(),
  incident: reference,
});

export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
export type IncidentData = z.output<typeof incidentDataSchema>;
