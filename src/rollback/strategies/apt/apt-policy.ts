import type { AptSection } from '../../../config/strategies/apt-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import { runChecked } from '../host/run-checked.js';

/** What `apt-cache policy <pkg>` says about one package on one host. */
export interface AptPolicy {
  /** The installed version, or undefined for "(none)". */
  installed: string | undefined;
  candidate: string | undefined;
  /** The version table, newest first, as apt sorts it. */
  versions: string[];
}

export function aptPolicyArgv(pkg: string): string[] {
  return ['apt-cache', 'policy', pkg];
}

/** Parses the English output (the command runs with LC_ALL=C). */
export function parseAptPolicy(stdout: string): AptPolicy | undefined {
  const installed = /^\s+Installed: (\S+)/m.exec(stdout)?.[1];
  if (installed === undefined) return undefined;
  const candidate = /^\s+Candidate: (\S+)/m.exec(stdout)?.[1];
  const table = stdout.split(/^\s+Version table:\s*$/m)[1] ?? '';
  const versions: string[] = [];
  for (const line of table.split('\n')) {
    // " *** 0.8.0-1 500" (installed) or "     0.7.0-1 500"; source lines are "        500 http://...".
    const match = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (match?.[1] !== undefined && !versions.includes(match[1])) versions.push(match[1]);
  }
  return {
    installed: installed === '(none)' ? undefined : installed,
    candidate: candidate === '(none)' ? undefined : candidate,
    versions,
  };
}

export async function readAptPolicy(
  runner: CommandRunner,
  host: string,
  apt: AptSection,
  signal?: AbortSignal,
): Promise<AptPolicy> {
  const result = await runChecked(runner, host, {
    argv: aptPolicyArgv(apt.package),
    timeoutMs: 60_000,
    env: { LC_ALL: 'C' },
    ...(signal ? { signal } : {}),
    what: `read the versions of ${apt.package}`,
    code: 'apt_policy_failed',
    hint: `Nothing was changed by this command. Run \`apt-cache policy ${apt.package}\` on ${host} to see why it fails.`,
  });
  const policy = parseAptPolicy(result.stdout);
  if (policy === undefined) {
    throw new PermanentError('apt_unknown_package', `apt does not know package ${apt.package} on ${host}.`, {
      hint: `Check the apt: package name in the service YAML and the apt sources on ${host} (\`apt-get update\`).`,
      details: result.stderr ? [result.stderr.trim()] : [],
    });
  }
  return policy;
}
