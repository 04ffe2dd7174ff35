import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostsSectionSchema } from '../../../src/config/hosts-schema.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import { createCommandRunnerFactory } from '../../../src/targets/shell/create-command-runner-factory.js';
import { LocalCommandRunner } from '../../../src/targets/shell/local-command-runner.js';
import { SshCommandRunner } from '../../../src/targets/shell/ssh-command-runner.js';
import { standinPath, type StandinPath } from '../../support/standins/standin-path.js';
import { HOSTILE } from './hostile-values.js';

let standins: StandinPath;
beforeEach(async () => {
  standins = await standinPath();
});
afterEach(async () => {
  await standins.cleanup();
});

function factory(extraEnv: Record<string, string> = {}) {
  return createCommandRunnerFactory({ log: silentLogger(), baseEnv: { ...standins.env, ...extraEnv } });
}

describe('SshCommandRunner', () => {
  it('runs ssh with batch mode, port, key and "--", and one quoted command the remote shell parses back exactly', async () => {
    const runner = factory()({ name: 'deploy@web-1', port: 2222, identityFile: '/keys/id_ed25519' });
    const argv = ['record-argv', ...HOSTILE];
    const result = await runner.run(argv, { timeoutMs: 10_000 });

    expect(result).toMatchObject({ exitCode: 0, host: 'deploy@web-1', argv });
    const [ssh] = await standins.argvOf('ssh');
    expect(ssh).toHaveLength(11);
    expect(ssh?.slice(0, 10)).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-p',
      '2222',
      '-i',
      '/keys/id_ed25519',
      '--',
      'deploy@web-1',
    ]);
    expect(ssh?.[10]).toBe(
      `'record-argv' ${HOSTILE.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')}`,
    );
    // What the "remote" shell ran: exactly the original argv, on the remote host.
    expect(await standins.calls()).toEqual([
      { tool: 'ssh', host: 'local', argv: ssh },
      { tool: 'record-argv', host: 'deploy@web-1', argv: HOSTILE },
    ]);
  });

  it('omits -p and -i when not configured', async () => {
    await factory()({ name: 'web-2' }).run(['record-argv', 'x'], { timeoutMs: 10_000 });
    expect(await standins.argvOf('ssh')).toEqual([
      ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '--', 'web-2', `'record-argv' 'x'`],
    ]);
  });

  it('applies cwd and env on the remote side, quoted', async () => {
    const runner = factory()({ name: 'web-1' });
    const dir = `${standins.dir}/it's here`;
    await new LocalCommandRunner().run(['mkdir', dir], { timeoutMs: 5_000 });
    const pwd = await runner.run(['pwd'], { timeoutMs: 10_000, cwd: dir });
    expect(pwd.stdout).toBe(dir);
    const env = await runner.run(['printenv', 'GREETING'], {
      timeoutMs: 10_000,
      env: { GREETING: "$(id) 'hi'" },
    });
    expect(env.stdout).toBe("$(id) 'hi'");
    await expect(runner.run(['true'], { timeoutMs: 10_000, env: { 'A;B': 'x' } })).rejects.toThrow(
      'bad environment variable name',
    );
  });

  it('passes the remote exit code and output through', async () => {
    const result = await factory()({ name: 'web-1' }).run(['systemctl', 'is-active', 'app.service'], {
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'active', host: 'web-1' });
    await standins.setUnitState('web-1', 'app.service', 'failed');
    const failed = await factory()({ name: 'web-1' }).run(['systemctl', 'is-active', 'app.service'], {
      timeoutMs: 10_000,
    });
    expect(failed).toMatchObject({ exitCode: 3, stdout: 'failed' });
  });

  it('turns an unreachable host into a RetryableError that says so', async () => {
    const runner = factory({ STANDIN_SSH_UNREACHABLE: 'web-3' })({ name: 'web-3' });
    const error = await runner.run(['true'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      code: 'ssh_unreachable',
      message: 'cannot reach web-3 over ssh: ssh: connect to host web-3 port 22: Connection refused',
    });
  });

  it.each(['-oProxyCommand=touch /tmp/pwned', 'web 1', 'web-1;id', '$(id)', 'a\nb', '', '@web'])(
    'refuses the destination %j before running anything',
    async (name) => {
      expect(() => new SshCommandRunner({ name }, { local: new LocalCommandRunner(standins.env) })).toThrow(
        PermanentError,
      );
      expect(() => hostsSectionSchema.parse([{ name }])).toThrow();
      expect(await standins.calls()).toEqual([]);
    },
  );

  it('refuses an identity file that looks like an option', () => {
    expect(
      () =>
        new SshCommandRunner(
          { name: 'web-1', identityFile: '-oProxyCommand=x' },
          { local: new LocalCommandRunner() },
        ),
    ).toThrow('identityFile of web-1 must be a file path');
  });
});

describe('createCommandRunnerFactory', () => {
  it('gives the local runner for "local" and one cached ssh runner per destination', () => {
    const make = factory();
    expect(make({ name: 'local' })).toBeInstanceOf(LocalCommandRunner);
    const web1 = make({ name: 'deploy@web-1' });
    expect(web1).toBeInstanceOf(SshCommandRunner);
    expect(web1.host).toBe('deploy@web-1');
    expect(make({ name: 'deploy@web-1' })).toBe(web1);
    expect(make({ name: 'deploy@web-1', port: 2222 })).not.toBe(web1);
  });

  it('uses the configured ssh binary', async () => {
    const make = createCommandRunnerFactory({
      log: silentLogger(),
      baseEnv: standins.env,
      sshBinary: 'no-such-ssh-binary',
    });
    await expect(make({ name: 'web-1' }).run(['true'], { timeoutMs: 5_000 })).rejects.toThrow(
      'cannot run no-such-ssh-binary',
    );
  });
});

describe('hostsSectionSchema', () => {
  it('defaults to the local host and accepts ports and keys', () => {
    expect(hostsSectionSchema.parse(undefined)).toEqual([{ name: 'local' }]);
    expect(
      hostsSectionSchema.parse([
        { name: 'deploy@web-1.example.com', port: 2222, identityFile: '~/.ssh/deploy' },
      ]),
    ).toEqual([{ name: 'deploy@web-1.example.com', port: 2222, identityFile: '~/.ssh/deploy' }]);
    expect(() => hostsSectionSchema.parse([{ name: 'web-1' }, { name: 'web-1' }])).toThrow(
      'host names must be unique',
    );
    expect(() => hostsSectionSchema.parse([{ name: 'web-1', port: 0 }])).toThrow();
  });
});
