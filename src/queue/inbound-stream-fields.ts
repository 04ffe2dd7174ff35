import { z } from 'zod';
import type { InboundFields, InboundRecord } from '../stores/redis-inbound-stream.js';
import { inboundEventSchema, type IncomingEvent } from './inbound-event-queue.js';

/** One delivery as the drain reads it back from the stream. */
const deliverySchema = z.object({ dedupeKey: z.string().min(1), event: inboundEventSchema });
type Delivery = z.output<typeof deliverySchema>;

/** The short JSON text next to the body: dedupe key, source, when it arrived, the webhook id if sent. */
const metaSchema = z.object({
  k: z.string(),
  s: z.string(),
  t: z.string(),
  w: z.string().optional(),
});

/**
 * What the stream keeps of one delivery: the body exactly as received (its own field, neither escaped into
 * another JSON text on the way in nor parsed out of one on the way out) and a short JSON text with the
 * dedupe key, the source, when it arrived and the webhook id when PagerDuty sent one. Two fields, so a
 * batch of deliveries costs few arguments to send and to store.
 */
export function inboundRecord(dedupeKey: string, event: IncomingEvent): InboundRecord {
  const meta: z.input<typeof metaSchema> = { k: dedupeKey, s: event.source, t: event.receivedAt };
  if (event.webhookId !== undefined) meta.w = event.webhookId;
  return { meta: JSON.stringify(meta), body: event.body };
}

/**
 * A delivery read back from the stream, checked with its schema (data from the past); undefined when it
 * cannot be read. Entries appended by earlier versions still read: one field per value (`k`, `s`, `b`,
 * `t`, `w`), or one JSON text wrapping it all (`p`).
 */
export function readInboundFields(fields: InboundFields): Delivery | undefined {
  if (fields['p'] !== undefined) return readJson(fields['p'], (value) => value);
  if (fields['m'] !== undefined)
    return readJson(fields['m'], (value) => {
      const meta = metaSchema.safeParse(value);
      return meta.success ? fromFields({ ...meta.data, b: fields['b'] }) : undefined;
    });
  return fromFields(fields);
}

function fromFields(fields: Readonly<Record<string, string | undefined>>): Delivery | undefined {
  const parsed = deliverySchema.safeParse({
    dedupeKey: fields['k'],
    event: {
      source: fields['s'],
      body: fields['b'],
      receivedAt: fields['t'],
      ...(fields['w'] === undefined ? {} : { webhookId: fields['w'] }),
    },
  });
  return parsed.success ? parsed.data : undefined;
}

function readJson(text: string, read: (value: unknown) => unknown): Delivery | undefined {
  try {
    const parsed = deliverySchema.safeParse(read(JSON.parse(text)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
