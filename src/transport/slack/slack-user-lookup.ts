import type { webApi } from '@slack/bolt';

/**
 * The Slack user with this e-mail address (`users.lookupByEmail`, scope `users:read.email`), so a
 * rollback asked for from PagerDuty follows the same permission and approval rules as one typed in Slack.
 * Undefined when Slack knows no such user; throws when Slack does not answer.
 */
export function slackUserLookup(
  client: webApi.WebClient,
): (email: string) => Promise<{ id: string; name: string } | undefined> {
  return async (email) => {
    try {
      const answer = await client.users.lookupByEmail({ email });
      const user = answer.user;
      if (!user?.id) return undefined;
      return { id: user.id, name: user.name ?? user.real_name ?? user.id };
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') return undefined;
      throw error;
    }
  };
}
