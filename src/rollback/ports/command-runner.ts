/**
 * Runs one command as an argument vector (never a shell string) on one host: locally with execa, or on a
 * remote host over ssh with every argument quoted for the remote shell.
 */
export interface CommandOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  cwd?: string;
  env?: Record<string, string>;
  /** Text fed to standard input. */
  input?: string;
}

export interface CommandResult {
  argv: readonly string[];
  host: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface CommandRunner {
  /** The host this runner runs on ("local" or the SSH destination). */
  readonly host: string;
  /** Resolves with the result whatever the exit code; rejects only when the command could not start. */
  run(argv: readonly string[], options: CommandOptions): Promise<CommandResult>;
}

export interface HostSpec {
  /** "local", or an SSH destination ("deploy@web-1"). */
  name: string;
  port?: number;
  identityFile?: string;
}

export type CommandRunnerFactory = (host: HostSpec) => CommandRunner;
