/**
 * Who belongs to a chat user group (a Slack user group such as @oncall). Declared by the domain so the
 * permission policy never imports a chat SDK; the Slack implementation lives in transport/slack.
 */
export interface GroupDirectory {
  /**
   * The user ids in the group. Throws {@link GroupDirectoryUnavailableError} when the directory cannot
   * be asked: the policy then denies rather than guesses.
   */
  members(groupId: string, signal?: AbortSignal): Promise<ReadonlySet<string>>;
}
