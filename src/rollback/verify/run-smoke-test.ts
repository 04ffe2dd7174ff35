import type { CommandResult, CommandRunner } from '../ports/command-runner.js';

export interface SmokeTest {
  command: string[];
  /** Seconds. */
  timeout: number;
  cwd?: string;
}

export interface SmokeResult {
  ok: boolean;
  result: CommandResult;
  /** The last lines of output, for the report. */
  tail: string;
}

/** Runs the service's smoke command (an argv, no shell) and reports pass/fail with the output's tail. */
export async function runSmokeTest(
  runner: CommandRunner,
  smoke: SmokeTest,
  signal?: AbortSignal,
): Promise<SmokeResult> {
  const result = await runner.run(smoke.command, {
    timeoutMs: smoke.timeout * 1000,
    ...(signal ? { signal } : {}),
    ...(smoke.cwd ? { cwd: smoke.cwd } : {}),
  });
  const tail = lastLines(`${result.stdout}\n${result.stderr}`.trim(), 20);
  return { ok: result.exitCode === 0 && !result.timedOut, result, tail };
}

export function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  return lines.slice(Math.max(0, lines.length - count)).join('\n');
}
