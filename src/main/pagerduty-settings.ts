import { z } from 'zod';
import { parseWebhookSecrets } from '../transport/pagerduty/verify-pagerduty-signature.js';

/** PagerDuty in and out, and the timers of the notifications around a rollback. */
export interface PagerDutySettings {
  /** PAGERDUTY_WEBHOOK_SECRETS: empty turns `POST /webhooks/pagerduty` away (401, fails closed). */
  webhookSecrets: string[];
  /** PAGERDUTY_ACTION_TOKEN: unset turns `POST /webhooks/pagerduty/rollback` away. */
  actionToken: string | undefined;
  /** The REST API (notes, status updates, on-calls, responders); unset: the bot never calls PagerDuty. */
  api:
    | {
        token: string;
        fromEmail: string;
        apiUrl: string | undefined;
        /** After a 429 (pdjs hides PagerDuty's reset time): default 30 s; tests use less. */
        rateLimitWaitMs?: number;
      }
    | undefined;
}

export interface NotificationSettings {
  /** ROLLBACK_STALL_MINUTES: a rollback still running after this long adds the next responders. */
  stallMinutes: number;
  /** POSTMORTEM_REMINDER_HOURS: the post-mortem reminder is scheduled this long after the rollback ends. */
  postmortemReminderHours: number;
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

export const pagerDutyEnvSchema = z.object({
  PAGERDUTY_WEBHOOK_SECRETS: z
    .string()
    .optional()
    .transform((text) => parseWebhookSecrets(text))
    .refine(
      (secrets) => secrets.every((secret) => secret.length >= 8),
      'each secret must be at least 8 characters (copy it from the webhook subscription)',
    ),
  PAGERDUTY_ACTION_TOKEN: optionalText.refine(
    (value) => value === undefined || value.length >= 16,
    'must be at least 16 characters',
  ),
  PAGERDUTY_API_TOKEN: optionalText,
  PAGERDUTY_FROM_EMAIL: optionalText.refine(
    (value) => value === undefined || /^[^@\s]+@[^@\s]+$/.test(value),
    'must be the e-mail address of a PagerDuty user',
  ),
  PAGERDUTY_API_URL: optionalText.refine(
    (value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value),
    'must be an http(s) URL like https://api.pagerduty.com',
  ),
  ROLLBACK_STALL_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  POSTMORTEM_REMINDER_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
});

type PagerDutyEnv = z.output<typeof pagerDutyEnvSchema>;

/** The settings from the parsed environment; problems (a token without its `From` address) are pushed. */
export function pagerDutySettingsFromEnv(
  env: PagerDutyEnv,
  problems: string[],
): { pagerDuty: PagerDutySettings; notifications: NotificationSettings } {
  let api: PagerDutySettings['api'];
  if (env.PAGERDUTY_API_TOKEN) {
    if (!env.PAGERDUTY_FROM_EMAIL)
      problems.push(
        'PAGERDUTY_FROM_EMAIL: required when PAGERDUTY_API_TOKEN is set (PagerDuty needs it on notes and status updates)',
      );
    else
      api = {
        token: env.PAGERDUTY_API_TOKEN,
        fromEmail: env.PAGERDUTY_FROM_EMAIL,
        apiUrl: env.PAGERDUTY_API_URL,
      };
  }
  return {
    pagerDuty: {
      webhookSecrets: env.PAGERDUTY_WEBHOOK_SECRETS,
      actionToken: env.PAGERDUTY_ACTION_TOKEN,
      api,
    },
    notifications: {
      stallMinutes: env.ROLLBACK_STALL_MINUTES,
      postmortemReminderHours: env.POSTMORTEM_REMINDER_HOURS,
    },
  };
}
