import { z } from 'zod';

/** REST API v2 answers, leniently: only the fields the bot reads are checked. */
const reference = z.looseObject({
  id: z.string(),
  summary: z.string().nullish(),
  type: z.string().nullish(),
});

export const incidentAnswer = z.looseObject({
  incident: z.looseObject({
    id: z.string(),
    incident_number: z.number().int().nullish(),
    title: z.string(),
    status: z.string(),
    urgency: z.string().nullish(),
    html_url: z.string(),
    service: reference,
    escalation_policy: reference.nullish(),
    created_at: z.iso.datetime({ offset: true }).optional().catch(undefined),
  }),
});

export const noteAnswer = z.looseObject({ note: z.looseObject({ id: z.string() }) });
export const statusUpdateAnswer = z.looseObject({ status_update: z.looseObject({ id: z.string() }) });

const fullUser = z.looseObject({ id: z.string(), name: z.string(), email: z.string() });

export const usersAnswer = z.looseObject({ users: z.array(fullUser), more: z.boolean().nullish() });

export const oncallsAnswer = z.looseObject({
  oncalls: z.array(
    z.looseObject({
      escalation_level: z.number().int(),
      schedule: reference.nullish(),
      // With include[]=users the user is a full user (with email); without, a reference.
      user: z.looseObject({
        id: z.string(),
        name: z.string().nullish(),
        summary: z.string().nullish(),
        email: z.string().nullish(),
      }),
    }),
  ),
  more: z.boolean().nullish(),
});

export const escalationPolicyAnswer = z.looseObject({
  escalation_policy: z.looseObject({
    id: z.string(),
    name: z.string(),
    escalation_rules: z.array(
      z.looseObject({
        escalation_delay_in_minutes: z.number(),
        targets: z.array(reference),
      }),
    ),
  }),
});
