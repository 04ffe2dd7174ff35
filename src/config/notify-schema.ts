import { z } from 'zod';

/** A Slack channel id (C0123ABCD) or #name, as `channel` and `permissions.channels` take them. */
const slackChannel = z
  .string()
  .regex(/^([CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$/, 'must be a channel id like C0123ABCD or a #name');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The `notify:` section: who hears about a rollback besides the incident channel. */
export const notifySectionSchema = z
  .object({
    /** Slack channels told when a rollback starts and ends (not its step-by-step progress). */
    stakeholders: z.array(slackChannel).default([]),
    /** A status-page webhook: POST {component, status, message, incident?} to `url`. */
    statusPage: z
      .object({
        url: httpUrl,
        component: z.string().trim().min(1).max(200),
      })
      .strict()
      .optional(),
  })
  .strict();

export type NotifySection = z.output<typeof notifySectionSchema>;
