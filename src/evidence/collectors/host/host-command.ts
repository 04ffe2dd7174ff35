import { UNIT_NAME_PATTERN } from '../../../config/hosts-schema.js';
import type { CommandResult, CommandRunner } from '../../../rollback/ports/command-runner.js';
import type { CollectorContext } from '../evidence-collector.js';

/** Where host collectors read: one host's runner (local or SSH), the service's unit, and whether to sudo. */
export interface HostEvidenceTarget {
  runner: CommandRunner;
  /** The systemd unit; undefined when the service names none (unit collectors then fail plainly). */
  unit: string | undefined;
  /** Prefix `sudo -n` to commands that may need root (journal, /proc of another user, files). */
  sudo: boolean;
}

export function requireUnit(target: HostEvidenceTarget): string {
  if (target.unit === undefined) {
    throw new Error("no systemd unit configured: set evidence.unit (or the strategy section's unit)");
  }
  if (!UNIT_NAME_PATTERN.test(target.unit))
    throw new Error(`bad systemd unit name ${JSON.stringify(target.unit)}`);
  return target.unit;
}

export function maybeSudo(target: HostEvidenceTarget, argv: readonly string[]): string[] {
  return target.sudo ? ['sudo', '-n', ...argv] : [...argv];
}

/**
 * Runs one argv on the target's host within the collector's time and signal. Throws with the command and
 * the first line of its error output when it exits non-zero, unless `accept` takes the result anyway.
 */
export async function runOnHost(
  target: HostEvidenceTarget,
  argv: readonly string[],
  context: CollectorContext,
  accept: (result: CommandResult) => boolean = () => false,
): Promise<CommandResult> {
  const result = await target.runner.run(argv, { timeoutMs: context.timeoutMs, signal: context.signal });
  if (result.exitCode === 0 || accept(result)) return result;
  if (result.timedOut) throw new Error(`${argv.join(' ')} timed out on ${target.runner.host}`);
  const why = firstLine(result.stderr) ?? firstLine(result.stdout) ?? 'no output';
  throw new Error(`${argv.join(' ')} exited ${result.exitCode} on ${target.runner.host}: ${why}`);
}

function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined ? undefined : line.slice(0, 300);
}
