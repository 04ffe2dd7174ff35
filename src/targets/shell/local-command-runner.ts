import type { CommandOptions, CommandResult, CommandRunner } from '../../rollback/ports/command-runner.js';

/**
 * Runs commands on the worker's own host with execa: an argument vector, never a shell. execa (about 260
 * modules) is loaded at the first command, so a bot that runs none does not hold it.
 */
export class LocalCommandRunner implements CommandRunner {
  readonly host = 'local';

  constructor(private readonly baseEnv: Record<string, string | undefined> = {}) {}

  async run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('empty command');
    const { execa } = await import('execa');
    const started = Date.now();
    const result = await execa(file, args, {
      reject: false,
      timeout: options.timeoutMs,
      forceKillAfterDelay: 2_000,
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: { ...this.baseEnv, ...options.env },
      extendEnv: true,
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      stripFinalNewline: true,
      encoding: 'utf8',
    });
    if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isCanceled) {
      // The command could not start at all (ENOENT, EACCES).
      throw new Error(`cannot run ${file}: ${result.shortMessage}`, { cause: result.cause });
    }
    return {
      argv,
      host: this.host,
      exitCode: result.exitCode ?? (result.timedOut || result.isCanceled ? 124 : 1),
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      timedOut: result.timedOut,
      durationMs: Date.now() - started,
    };
  }
}
