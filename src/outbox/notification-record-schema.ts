import { z } from 'zod';
import type { NotificationChannel, NotificationRecord } from '../rollback/ports/notification-outbox.js';

export const NOTIFICATION_CHANNELS = [
  'pagerduty-note',
  'pagerduty-status',
  'pagerduty-responders',
  'slack-stakeholder',
  'status-page',
] as const satisfies readonly NotificationChannel[];

/** A timeline record as stored in Redis. Bump `schemaVersion` when the shape changes; old ones read as unreadable. */
export const storedRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  channel: z.enum(NOTIFICATION_CHANNELS),
  jobId: z.string().min(1),
  label: z.string(),
  state: z.enum(['queued', 'waiting', 'retrying', 'sent', 'failed']),
  sequence: z.number().int().min(0),
  queuedAt: z.string(),
  sentAt: z.string().optional(),
  failedAt: z.string().optional(),
  attempts: z.number().int().min(0),
  lastError: z.object({ code: z.string(), message: z.string() }).optional(),
  nextAttemptAt: z.string().optional(),
  waitingFor: z.string().optional(),
});

export type StoredRecord = z.output<typeof storedRecordSchema>;

/** Parses one stored record; undefined when it is not a record this version understands. */
export function parseStoredRecord(raw: string | null | undefined): StoredRecord | undefined {
  if (raw === null || raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = storedRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function toRecord(stored: StoredRecord): NotificationRecord {
  const { schemaVersion: _version, ...record } = stored;
  return record;
}
