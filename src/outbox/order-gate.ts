import type { Queue } from 'bullmq';
import type { OrderEntry, RedisNotificationTimeline } from './redis-notification-timeline.js';

/** A pending notification of the same order key registered before this one. */
export interface Blocker {
  label: string;
  /** When it is next tried (ms), if it is waiting for a retry. */
  nextAttemptAt?: number;
}

/** A head whose job is gone is only dropped once this one is old enough that the head's add cannot be in flight. */
const LOST_AFTER_MS = 30_000;

/**
 * The earlier notification this one must wait for, or undefined when it is first in its order list. Heads
 * that will never be delivered are dropped on the way: finished ones (sent or failed, whose worker died
 * before removing them) and ones whose BullMQ job is gone (the enqueuing process stopped between its two
 * writes, or retention removed it).
 */
export async function findBlocker(
  timeline: RedisNotificationTimeline,
  queue: Queue,
  orderKey: string,
  self: OrderEntry,
  selfEnqueuedAt: number,
): Promise<Blocker | undefined> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const head of await timeline.orderEntries(orderKey)) {
      if (head.bullId === self.bullId) return undefined;
      const record = await timeline.get(head.jobId, head.id);
      if (await isFinished(queue, head, record?.state, selfEnqueuedAt)) {
        await timeline.dropFromOrder(orderKey, head);
        continue;
      }
      const next = record?.nextAttemptAt ? Date.parse(record.nextAttemptAt) : Number.NaN;
      return { label: record?.label ?? head.id, ...(Number.isNaN(next) ? {} : { nextAttemptAt: next }) };
    }
    // Every entry read was finished, or this one is missing from its list (the list expired): look again.
    if (!(await timeline.inOrder(orderKey, self))) await timeline.appendToOrder(orderKey, self);
  }
  return undefined;
}

const MAX_ROUNDS = 5;

async function isFinished(
  queue: Queue,
  head: OrderEntry,
  recordState: string | undefined,
  selfEnqueuedAt: number,
): Promise<boolean> {
  if (recordState === 'sent' || recordState === 'failed') return true;
  const state = await queue.getJobState(head.bullId);
  if (state === 'completed' || state === 'failed') return true;
  return state === 'unknown' && Date.now() - selfEnqueuedAt > LOST_AFTER_MS;
}
