import type { Logger } from '../../observability/logger.js';
import type { CommandRunner, CommandRunnerFactory, HostSpec } from '../../rollback/ports/command-runner.js';
import { LocalCommandRunner } from './local-command-runner.js';
import { SshCommandRunner } from './ssh-command-runner.js';

export interface CommandRunnerFactoryOptions {
  log: Logger;
  /** The ssh client; default "ssh" (found on PATH). */
  sshBinary?: string;
  /** Environment every command starts with (on top of the worker's), e.g. PATH. */
  baseEnv?: Record<string, string | undefined>;
}

/**
 * Runners for the hosts of a service: the worker's own host for "local", ssh for anything else. Runners are
 * cached per host, so steps share one.
 */
export function createCommandRunnerFactory(options: CommandRunnerFactoryOptions): CommandRunnerFactory {
  const local = new LocalCommandRunner(options.baseEnv ?? {});
  const cache = new Map<string, CommandRunner>();
  return (host: HostSpec): CommandRunner => {
    if (host.name === 'local') return local;
    const key = JSON.stringify([host.name, host.port ?? null, host.identityFile ?? null]);
    let runner = cache.get(key);
    if (runner === undefined) {
      runner = new SshCommandRunner(host, {
        local,
        ...(options.sshBinary === undefined ? {} : { sshBinary: options.sshBinary }),
      });
      options.log.debug({ host: host.name, port: host.port }, 'ssh runner created');
      cache.set(key, runner);
    }
    return runner;
  };
}
