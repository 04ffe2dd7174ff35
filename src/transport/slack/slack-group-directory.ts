import type { webApi } from '@slack/bolt';
import type { GroupDirectory } from '../../rollback/policy/group-directory.js';
import { GroupDirectoryUnavailableError } from '../../rollback/policy/group-directory-unavailable-error.js';

export interface SlackGroupDirectoryOptions {
  client: Pick<webApi.WebClient, 'usergroups'>;
  /** How long a group's members are remembered (default 60 s): membership changes apply within it. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Slack user group membership (`usergroups.users.list`, scope usergroups:read), cached briefly. A failed
 * lookup is never cached and becomes {@link GroupDirectoryUnavailableError}: the policy then denies.
 */
export class SlackGroupDirectory implements GroupDirectory {
  private readonly cache = new Map<string, { users: ReadonlySet<string>; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SlackGroupDirectoryOptions) {
    this.cacheMs = options.cacheMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async members(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached && cached.until > this.now()) return cached.users;
    let users: string[];
    try {
      const answer = await this.options.client.usergroups.users.list({ usergroup: groupId });
      users = answer.users ?? [];
    } catch (error) {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      const reason = slackError
        ? `Slack answered "${slackError}"`
        : `Slack did not answer (${(error as Error).message})`;
      throw new GroupDirectoryUnavailableError(groupId, reason, { cause: error });
    }
    const set = new Set(users);
    this.cache.set(groupId, { users: set, until: this.now() + this.cacheMs });
    return set;
  }
}
