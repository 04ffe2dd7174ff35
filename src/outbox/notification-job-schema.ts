import { z } from 'zod';
import type { Notification } from '../rollback/ports/notification-outbox.js';

const incidentId = z.string().min(1);
const common = { id: z.string().min(1), jobId: z.string().min(1), label: z.string() };

/** A notification job's data as read back from Redis: checked, never cast. */
export const notificationSchema = z.discriminatedUnion('channel', [
  z.object({
    ...common,
    channel: z.literal('pagerduty-note'),
    payload: z.object({ incidentId, text: z.string().min(1) }),
  }),
  z.object({
    ...common,
    channel: z.literal('pagerduty-status'),
    payload: z.object({ incidentId, message: z.string().min(1), subject: z.string().optional() }),
  }),
  z.object({
    ...common,
    channel: z.literal('pagerduty-responders'),
    payload: z.object({
      incidentId,
      message: z.string(),
      userIds: z.array(z.string()).optional(),
      escalationPolicyIds: z.array(z.string()).optional(),
    }),
  }),
  z.object({
    ...common,
    channel: z.literal('slack-stakeholder'),
    payload: z.object({
      channel: z.string().min(1),
      text: z.string().min(1),
      postAt: z.number().int().positive().optional(),
    }),
  }),
  z.object({
    ...common,
    channel: z.literal('status-page'),
    payload: z.object({
      service: z.string().min(1),
      status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
      message: z.string(),
      incident: z
        .object({ id: z.string(), title: z.string().optional(), url: z.string().optional() })
        .optional(),
    }),
  }),
]);

export const notificationJobSchema = z.object({ notification: notificationSchema });

/** The stored job data as a Notification, or undefined when it is not one. */
export function parseNotificationJob(data: unknown): Notification | undefined {
  const parsed = notificationJobSchema.safeParse(data);
  return parsed.success ? parsed.data.notification : undefined;
}
