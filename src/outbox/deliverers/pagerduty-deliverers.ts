import type { IncidentTracker } from '../../rollback/ports/incident-tracker.js';
import type { Deliverers } from '../deliverer.js';

/** PagerDuty notes, status updates and responder requests, through the IncidentTracker port. */
export function pagerDutyDeliverers(
  tracker: IncidentTracker,
): Required<Pick<Deliverers, 'pagerduty-note' | 'pagerduty-status' | 'pagerduty-responders'>> {
  return {
    'pagerduty-note': async (payload, { signal }) => {
      await tracker.addNote(payload.incidentId, payload.text, signal);
    },
    'pagerduty-status': async (payload, { signal }) => {
      await tracker.publishStatusUpdate(payload.incidentId, payload.message, payload.subject, signal);
    },
    'pagerduty-responders': async (payload, { signal }) => {
      if (payload.userIds?.length)
        await tracker.addResponders(
          payload.incidentId,
          { userIds: payload.userIds },
          payload.message,
          signal,
        );
      if (payload.escalationPolicyIds?.length)
        await tracker.addResponders(
          payload.incidentId,
          { escalationPolicyIds: payload.escalationPolicyIds },
          payload.message,
          signal,
        );
    },
  };
}
