import { z } from 'zod';

/**
 * The runbook's emergency contacts. `role` is a short kebab-case word; the usual ones are `on-call`,
 * `infra-lead` and `manager` (escalation goes in that order), others (`dba`, `security`) are shown as written.
 */
export const CONTACT_ROLES = ['on-call', 'infra-lead', 'manager'] as const;

export const contactSchema = z
  .object({
    role: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a short lowercase role like on-call, infra-lead or manager'),
    name: z.string().trim().min(1).max(100),
    /** Slack user id (U0123ABCD), so the bot can mention them. */
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD')
      .optional(),
    email: z.email('must be an e-mail address').optional(),
    /** As dialled: digits, spaces, + ( ) - (`+49 30 1234567`). */
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ()-]{3,30}$/, 'must be a phone number like +49 30 1234567')
      .optional(),
  })
  .strict()
  .refine((contact) => contact.slack ?? contact.email ?? contact.phone, {
    message: 'needs at least one of slack, email or phone',
  });

/** The `contacts:` section: a list, in escalation order within each role. */
export const contactsSectionSchema = z.array(contactSchema);

export type Contact = z.output<typeof contactSchema>;
