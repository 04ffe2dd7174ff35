import { contactsSectionSchema } from './contacts-schema.js';
import { linksSectionSchema } from './links-schema.js';
import { notifySectionSchema } from './notify-schema.js';
import { pagerDutySectionSchema } from './pagerduty-schema.js';

/**
 * Sections of a service YAML for incident response: its PagerDuty services and escalation policy, who to
 * tell, whom to call, and what to have open. All optional.
 */
export const incidentSections = {
  pagerduty: pagerDutySectionSchema.optional(),
  notify: notifySectionSchema.optional(),
  contacts: contactsSectionSchema.optional(),
  links: linksSectionSchema.optional(),
};
