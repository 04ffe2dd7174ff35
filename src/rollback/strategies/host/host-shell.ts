import { CancelledError, PermanentError } from '../../../errors/rollback-error.js';
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  CommandRunnerFactory,
  HostSpec,
} from '../../ports/command-runner.js';
import { lastLines } from '../../verify/run-smoke-test.js';
import { formatCommand } from './format-command.js';
import type { MonitoringChecks } from '../../ports/monitoring-checks.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

/** What host steps need from outside: how to reach a host, and how long one command may take. */
export interface HostStepDeps {
  runners: CommandRunnerFactory;
  /** Per command; default {@link DEFAULT_COMMAND_TIMEOUT_MS}. */
  commandTimeoutMs?: number;
  /** Health URL attempts while the service starts; default 5 attempts 2 s apart. */
  healthRetry?: { attempts: number; intervalMs: number };
  /** Alertmanager and Prometheus, for `verify.alerts` and `verify.metrics` (absent: not checked). */
  monitoring?: MonitoringChecks;
}

export type HostCommandOptions = Partial<Omit<CommandOptions, 'signal'>> & {
  /** What the command is for, used in the error ("restore the backup"). */
  purpose?: string;
  /** Added to the error when the command fails. */
  hint?: string;
};

/** One host's runner with the job's signal and timeout applied. */
export interface HostShell {
  readonly host: string;
  readonly runner: CommandRunner;
  /** Runs the command; a non-zero exit, a timeout or a cancel throws (see {@link commandFailure}). */
  run(argv: readonly string[], options?: HostCommandOptions): Promise<CommandResult>;
  /** Runs the command and returns the result whatever the exit code (for checks); cancel still throws. */
  probe(argv: readonly string[], options?: HostCommandOptions): Promise<CommandResult>;
}

export function hostShell(deps: HostStepDeps, host: HostSpec, signal?: AbortSignal): HostShell {
  const runner = deps.runners(host);
  const probe = async (argv: readonly string[], options: HostCommandOptions = {}): Promise<CommandResult> => {
    const { purpose: _purpose, hint: _hint, ...command } = options;
    if (signal?.aborted) throw new CancelledError();
    const result = await runner.run(argv, {
      timeoutMs: deps.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      ...command,
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted) throw new CancelledError();
    return result;
  };
  return {
    host: runner.host,
    runner,
    probe,
    async run(argv, options = {}) {
      const result = await probe(argv, options);
      if (result.exitCode !== 0 || result.timedOut) throw commandFailure(result, options);
      return result;
    },
  };
}

/**
 * The error for a failed command: what ran where, the exit code (or the timeout), and the last 20 lines
 * of its output as details.
 */
export function commandFailure(
  result: CommandResult,
  options: { purpose?: string; hint?: string } = {},
): PermanentError {
  const command = formatCommand(result.argv);
  const what = options.purpose === undefined ? `\`${command}\`` : `${options.purpose} (\`${command}\`)`;
  const output = lastLines(`${result.stdout}\n${result.stderr}`.trim(), 20);
  const details = output === '' ? [] : output.split('\n');
  const hint = options.hint === undefined ? {} : { hint: options.hint };
  if (result.timedOut) {
    return new PermanentError(
      'command_timeout',
      `${what} timed out on ${result.host} after ${Math.round(result.durationMs / 1000)}s`,
      {
        details,
        ...hint,
      },
    );
  }
  return new PermanentError(
    'command_failed',
    `${what} failed on ${result.host} with exit code ${result.exitCode}`,
    {
      details,
      ...hint,
    },
  );
}
