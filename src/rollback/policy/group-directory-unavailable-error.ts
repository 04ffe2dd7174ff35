import { RetryableError, type RollbackErrorOptions } from '../../errors/rollback-error.js';

/** The group directory (Slack) did not answer, so membership could not be checked. */
export class GroupDirectoryUnavailableError extends RetryableError {
  constructor(
    readonly groupId: string,
    reason: string,
    options: RollbackErrorOptions = {},
  ) {
    super(
      'group_directory_unavailable',
      `Could not read the members of user group ${groupId}: ${reason}`,
      options,
    );
  }
}
