import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoEnvFile } from '../../scripts/demo/demo-env-file.js';
import { startDemoBot, type DemoBot } from '../demo/start-demo-bot.js';
import { runCli } from './run-cli.js';

async function health(url: string): Promise<{ version: string }> {
  return (await (await fetch(url)).json()) as { version: string };
}

/** `npm run demo`, then the CLI in another terminal: the env file the demo writes is all the CLI needs. */
describe('the CLI finds the running demo through the env file it writes', () => {
  let env: DemoBot;
  let envFile: string;

  beforeAll(async () => {
    env = await startDemoBot('cli-env');
    envFile = join(env.dataDir, 'demo.env');
    await writeDemoEnvFile(envFile, env.config);
  }, 60_000);
  afterAll(async () => env?.close(), 60_000);

  it('without it the CLI looks in the default catalog and does not know the demo', async () => {
    const result = await runCli(['history', 'demo'], {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Unknown service "demo"');
  });

  it('with --env <file> it rolls the demo back through the demo bot and lists it in history', async () => {
    const rolled = await runCli(
      ['--env', envFile, 'rollback', 'demo', 'v0.7.0', '--reason', 'checkout returns 500', '--follow'],
      {},
    );
    expect(rolled.stderr).toBe('');
    expect(rolled.exitCode).toBe(0);
    expect(rolled.stdout).toMatch(/succeeded: Rolled back demo from .*v0\.8\.0.* to .*v0\.7\.0/);
    expect((await health(env.demo.healthUrl)).version).toBe('v0.7.0');

    const history = await runCli(['history', 'demo', '--env', envFile], {});
    expect(history.exitCode).toBe(0);
    expect(history.stdout).toMatch(
      /Last rollbacks of demo:\n\n.*Rollback of demo \(demo\), v0\.8\.0.* → v0\.7\.0/,
    );
  });

  it('ROLLBACK_BOT_ENV_FILE names the file too; variables set in the shell win over it', async () => {
    const viaVariable = await runCli(['history', 'demo'], { ROLLBACK_BOT_ENV_FILE: envFile });
    expect(viaVariable.exitCode).toBe(0);
    expect(viaVariable.stdout).toContain('Last rollbacks of demo:');
    expect(viaVariable.stdout).not.toContain('none yet');

    const otherPrefix = await runCli(['history', 'demo', '--env', envFile], {
      REDIS_PREFIX: `${env.config.redisPrefix}-other`,
    });
    expect(otherPrefix.exitCode).toBe(0);
    expect(otherPrefix.stdout).toBe('Last rollbacks of demo: none yet.');
  });

  it('a missing or bad env file is refused plainly (exit 2)', async () => {
    const missing = await runCli(['--env', join(env.dataDir, 'nope.env'), 'status'], {});
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(
      `Cannot read the env file ${join(env.dataDir, 'nope.env')}: there is no such file.`,
    );

    const bad = join(env.dataDir, 'bad.env');
    await writeFile(bad, 'REDIS_PREFIX="has spaces"\n');
    const refused = await runCli(['--env', bad, 'status'], {});
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/REDIS_PREFIX/);
  });
});
