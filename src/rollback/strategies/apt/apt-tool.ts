import type { AptSection } from '../../../config/strategies/apt-schema.js';
import { PermanentError, RetryableError } from '../../../errors/rollback-error.js';
import type { CommandRunner, HostSpec } from '../../ports/command-runner.js';
import { readAptPolicy } from './apt-policy.js';
import type { HostChangeTool, HostTarget } from '../host/host-change.js';
import { runChecked } from '../host/run-checked.js';

export type AptHostTarget = HostTarget & { version: string };

const LOCKED =
  /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/;

export function aptInstallArgv(apt: AptSection, version: string): string[] {
  return [
    ...(apt.sudo ? ['sudo', '-n'] : []),
    'apt-get',
    'install',
    '-y',
    '--allow-downgrades',
    `${apt.package}=${version}`,
  ];
}

export function sudoCheckArgv(): string[] {
  return ['sudo', '-n', 'true'];
}

/** apt-cache policy to read, apt-get install --allow-downgrades to change (host runbook, Option A). */
export function aptTool(apt: AptSection, version: string): HostChangeTool<AptHostTarget> {
  return {
    name: 'apt',
    targetLabel: `${apt.package} ${version}`,
    async readVersion(runner, host, signal) {
      return (await readAptPolicy(runner, host.name, apt, signal)).installed ?? null;
    },
    isDone: (target, current) => current === target.version,
    async precheck(runner, host, target, signal) {
      const policy = await readAptPolicy(runner, host.name, apt, signal);
      if (!policy.versions.includes(target.version)) {
        throw new PermanentError(
          'apt_version_gone',
          `${apt.package} ${target.version} is no longer available on ${host.name}.`,
          {
            hint: `Nothing was changed. apt offers: ${policy.versions.join(', ') || 'nothing'}. Check the apt sources (\`apt-cache policy ${apt.package}\`).`,
          },
        );
      }
      if (apt.sudo) await checkSudo(runner, host, signal);
      return `${apt.package} ${policy.installed ?? 'not installed'}, ${target.version} available${apt.sudo ? ', sudo -n works' : ''}`;
    },
    async change(runner, host, target, signal) {
      await runChecked(runner, host.name, {
        argv: aptInstallArgv(apt, target.version),
        timeoutMs: apt.timeout * 1000,
        signal,
        env: { LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
        what: `install ${apt.package}=${target.version}`,
        code: 'apt_install_failed',
        hint: `Run \`apt-cache policy ${apt.package}\` and \`dpkg --audit\` on ${host.name} to see which version is installed; if dpkg was interrupted, run \`sudo dpkg --configure -a\`, then retry the rollback.`,
        classify: (result) =>
          LOCKED.test(result.stderr)
            ? new RetryableError(
                'apt_locked',
                `apt is busy on ${host.name} (another apt or dpkg holds the lock).`,
                {
                  hint: 'Wait for the other apt run (unattended-upgrades?) to finish; the rollback retries.',
                  details: [result.stderr.trim()],
                },
              )
            : undefined,
      });
    },
  };
}

export async function checkSudo(runner: CommandRunner, host: HostSpec, signal: AbortSignal): Promise<void> {
  await runChecked(runner, host.name, {
    argv: sudoCheckArgv(),
    timeoutMs: 15_000,
    signal,
    what: 'run sudo without a password',
    code: 'sudo_not_allowed',
    hint: `Nothing was changed. Allow the rollback user passwordless sudo for the package manager and systemctl on ${host.name}, or set sudo: false.`,
  });
}
