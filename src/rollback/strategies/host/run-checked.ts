import type { ErrorCode } from '../../../errors/error-codes.js';
import { PermanentError, RollbackError } from '../../../errors/rollback-error.js';
import type { CommandResult, CommandRunner } from '../../ports/command-runner.js';
import { lastLines } from '../../verify/run-smoke-test.js';
import { formatCommand } from './format-command.js';

export interface CheckedCommand {
  argv: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
  /** What the command does, for the error message ("downgrade kaizen to 0.7.0-1"). */
  what: string;
  /** The state things are in if it fails and what a person should do next. */
  hint: string;
  /** Error code when it fails; default "command_failed". */
  code?: ErrorCode;
  /** Turns some failures into another error (a lock held: retryable). */
  classify?: (result: CommandResult) => RollbackError | undefined;
}

/**
 * Runs one command and returns its result when it exits 0. Otherwise throws a {@link PermanentError} whose
 * details hold the command, the exit code (or timeout) and the last lines of its output.
 */
export async function runChecked(
  runner: CommandRunner,
  host: string,
  command: CheckedCommand,
): Promise<CommandResult> {
  const shown = `${host}$ ${formatCommand(command.argv)}`;
  let result: CommandResult;
  try {
    result = await runner.run(command.argv, {
      timeoutMs: command.timeoutMs,
      ...(command.signal ? { signal: command.signal } : {}),
      ...(command.env ? { env: command.env } : {}),
    });
  } catch (error) {
    if (error instanceof RollbackError) throw error;
    throw new PermanentError(
      'command_not_started',
      `Could not ${command.what} on ${host}: ${describe(error)}`,
      {
        cause: error,
        hint: `Is ${command.argv[0] ?? 'the program'} installed on ${host}? ${command.hint}`,
        details: [shown],
      },
    );
  }
  if (result.exitCode === 0 && !result.timedOut) return result;
  const classified = command.classify?.(result);
  if (classified) throw classified;
  const how = result.timedOut
    ? `timed out after ${Math.round(command.timeoutMs / 1000)} s`
    : `exit code ${result.exitCode}`;
  throw new PermanentError(
    command.code ?? 'command_failed',
    `Could not ${command.what} on ${host} (${how}).`,
    {
      hint: command.hint,
      details: [shown, how, ...outputTail(result)],
    },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last 15 non-empty lines of a command's output, for error details. */
export function outputTail(result: CommandResult): string[] {
  return lastLines(`${result.stdout}\n${result.stderr}`.trim(), 15)
    .split('\n')
    .filter((line) => line.trim() !== '');
}
