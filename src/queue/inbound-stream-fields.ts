import { z } from 'zod';
import type { InboundFields } from '../stores/redis-inbound-stream.js';
import { inboundEventSchema, type InboundEvent } from './inbound-event-queue.js';

/** One delivery as the drain reads it back from the stream. */
const deliverySchema = z.object({ dedupeKey: z.string().min(1), event: inboundEventSchema });
type Delivery = z.output<typeof deliverySchema>;

/**
 * The stream fields of one delivery: the dedupe key, the source, the body exactly as received (its own
 * field, so it is neither escaped into another JSON text on the way in nor parsed out of one on the way
 * out), the webhook id when PagerDuty sent one, and when it arrived.
 */
export function inboundFields(dedupeKey: string, event: InboundEvent): InboundFields {
  return {
    k: dedupeKey,
    s: event.source,
    b: event.body,
    t: event.receivedAt,
    ...(event.webhookId === undefined ? {} : { w: event.webhookId }),
  };
}

/**
 * A delivery read back from the stream, checked with its schema (data from the past); undefined when it
 * cannot be read. Entries appended by an earlier version (one JSON text in the field `p`) still read.
 */
export function readInboundFields(fields: InboundFields): Delivery | undefined {
  if (fields['p'] !== undefined) return readLegacyPayload(fields['p']);
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

function readLegacyPayload(payload: string): Delivery | undefined {
  try {
    const parsed = deliverySchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
