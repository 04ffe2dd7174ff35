import { z } from 'zod';

/**
 * PagerDuty object ids as the REST API and web app show them: `P` and six more capitals or digits
 * (`PIJ90N7`, the last part of a service's URL …/service-directory/PIJ90N7). Allowing up to 13 more keeps
 * longer ids PagerDuty may issue working; lowercase, spaces and URLs are refused.
 */
export const PAGERDUTY_ID_PATTERN = /^P[A-Z0-9]{6,13}$/;

const pagerDutyId = (what: string, example: string) =>
  z
    .string()
    .regex(
      PAGERDUTY_ID_PATTERN,
      `must be a PagerDuty ${what} id like ${example} (the last part of its URL in PagerDuty)`,
    );

/** The `pagerduty:` section of a service YAML: which PagerDuty services' incidents are about this one. */
export const pagerDutySectionSchema = z
  .object({
    /** PagerDuty services whose incidents map to this catalog service. */
    serviceIds: z
      .array(pagerDutyId('service', 'PIJ90N7'))
      .min(1, 'must list at least one PagerDuty service id')
      .refine((ids) => new Set(ids).size === ids.length, 'must not list a service id twice'),
    /** Whose on-call people the plan shows and who is paged when a rollback fails or stalls. */
    escalationPolicyId: pagerDutyId('escalation policy', 'PUS0KTE').optional(),
  })
  .strict();

export type PagerDutySection = z.output<typeof pagerDutySectionSchema>;
