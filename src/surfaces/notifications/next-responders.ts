import { describeError } from '../../errors/rollback-error.js';
import type { Logger } from '../../observability/logger.js';
import type { IncidentTracker } from '../../rollback/ports/incident-tracker.js';
import type { NotificationPayloads } from '../../rollback/ports/notification-outbox.js';

/**
 * Who to add when a rollback fails or stalls: the users of the escalation policy's second level (the
 * first is already paged by the incident). When the policy cannot be read, or its second level names no
 * user, the whole policy is asked, which PagerDuty pages from its first level.
 */
export async function nextResponders(
  tracker: Pick<IncidentTracker, 'escalationPolicy'>,
  policyId: string,
  log: Logger,
): Promise<Pick<NotificationPayloads['pagerduty-responders'], 'userIds' | 'escalationPolicyIds'>> {
  try {
    const policy = await tracker.escalationPolicy(policyId);
    const second = policy.levels.find((level) => level.level === 2);
    const userIds = (second?.targets ?? [])
      .filter((target) => target.type.startsWith('user'))
      .map((target) => target.id);
    if (userIds.length > 0) return { userIds };
  } catch (error) {
    log.warn({ policy: policyId, error: describeError(error) }, 'could not read the escalation policy');
  }
  return { escalationPolicyIds: [policyId] };
}
