/**
 * The CLI's exit codes, so scripts can tell outcomes apart:
 * 0 done (or the rollback succeeded), 1 the rollback failed (or `config check` found problems),
 * 2 refused: bad input, a policy refusal or a plan that could not be made (nothing changed),
 * 3 the rollback was cancelled, 4 Redis (the queue) could not be reached, 130 stopped following with Ctrl-C
 * (the rollback goes on).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  refused: 2,
  cancelled: 3,
  unreachable: 4,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown inside a command to stop with a message (already fit for a terminal) and an exit code. */
export class CliExit extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
