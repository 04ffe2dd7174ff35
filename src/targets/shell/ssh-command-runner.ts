import { SSH_DESTINATION_PATTERN } from '../../config/hosts-schema.js';
import { PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  HostSpec,
} from '../../rollback/ports/command-runner.js';
import { quoteArgument, quoteForRemoteShell } from '../../rollback/quote-for-remote-shell.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** ssh exits 255 when it cannot connect or authenticate; these stderr lines tell which. */
const SSH_FAILURE =
  /^(ssh: |kex_exchange_identification|Connection (closed|reset|timed out)|Host key verification failed|.*Permission denied \()/m;
const SSH_AUTH_FAILURE = /Host key verification failed|Permission denied \(/;

export interface SshCommandRunnerOptions {
  /** Runs the `ssh` argv on the worker (a LocalCommandRunner). */
  local: CommandRunner;
  /** The ssh client to run; default "ssh". */
  sshBinary?: string;
}

/** Throws unless `host` is a destination ssh can only read as a destination (never as an option). */
export function assertSshDestination(host: HostSpec): void {
  if (!SSH_DESTINATION_PATTERN.test(host.name) || host.name.startsWith('-')) {
    throw new PermanentError('bad_ssh_destination', `"${host.name}" is not a valid SSH destination`, {
      hint: 'Use "local" or user@host in the service\'s hosts: section (no spaces, no leading "-").',
    });
  }
  if (host.port !== undefined && !(Number.isInteger(host.port) && host.port >= 1 && host.port <= 65535)) {
    throw new PermanentError('bad_ssh_port', `port ${host.port} of ${host.name} is not a TCP port`);
  }
  if (
    host.identityFile !== undefined &&
    (host.identityFile.startsWith('-') || /[\r\n]/.test(host.identityFile))
  ) {
    throw new PermanentError('bad_ssh_identity', `identityFile of ${host.name} must be a file path`);
  }
}

/**
 * Runs commands on a remote host: `ssh -o BatchMode=yes -o ConnectTimeout=10 [-p port] [-i key] -- <dest>
 * <command>`, where <command> is the argv with every element single-quoted, because ssh hands it to the
 * remote user's shell. `cwd` becomes `cd '<cwd>' &&`, `env` becomes `env 'K=V'`; `input` goes to ssh's stdin.
 */
export class SshCommandRunner implements CommandRunner {
  readonly host: string;
  private readonly sshBinary: string;

  constructor(
    private readonly spec: HostSpec,
    private readonly options: SshCommandRunnerOptions,
  ) {
    assertSshDestination(spec);
    this.host = spec.name;
    this.sshBinary = options.sshBinary ?? 'ssh';
  }

  /** The full local argv that runs `argv` on this host. */
  sshArgv(argv: readonly string[], options: Pick<CommandOptions, 'cwd' | 'env'> = {}): string[] {
    const remote = [...argv];
    const envEntries = Object.entries(options.env ?? {});
    for (const [name] of envEntries) {
      if (!ENV_NAME.test(name)) throw new Error(`bad environment variable name ${JSON.stringify(name)}`);
    }
    if (envEntries.length > 0)
      remote.unshift('env', ...envEntries.map(([name, value]) => `${name}=${value}`));
    let command = quoteForRemoteShell(remote);
    if (options.cwd !== undefined) command = `cd ${quoteArgument(options.cwd)} && ${command}`;
    return [
      this.sshBinary,
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      ...(this.spec.port === undefined ? [] : ['-p', String(this.spec.port)]),
      ...(this.spec.identityFile === undefined ? [] : ['-i', this.spec.identityFile]),
      '--',
      this.spec.name,
      command,
    ];
  }

  async run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    if (argv.length === 0) throw new Error('empty command');
    const { cwd, env, ...rest } = options;
    const ssh = this.sshArgv(argv, {
      ...(cwd === undefined ? {} : { cwd }),
      ...(env === undefined ? {} : { env }),
    });
    const result = await this.options.local.run(ssh, rest);
    if (result.exitCode === 255 && SSH_FAILURE.test(result.stderr)) {
      const message = `cannot reach ${this.host} over ssh: ${result.stderr.trim().split('\n').pop() ?? ''}`;
      const hint = `Check that the worker can run \`ssh ${this.host} true\` without a password prompt.`;
      if (SSH_AUTH_FAILURE.test(result.stderr))
        throw new PermanentError('ssh_auth_failed', message, { hint });
      throw new RetryableError('ssh_unreachable', message, { hint });
    }
    return { ...result, argv, host: this.host };
  }
}
