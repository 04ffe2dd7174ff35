import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const GOOD = `name: kaizen
channel: C0KAIZEN
strategy: kubernetes
kubernetes:
  deployment: kaizen
  container: kaizen
  image: kaizen
`;

describe('rollback-bot config check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints every problem with its file and field and exits 1', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(
      join(bad, 'kaizen.yaml'),
      GOOD.replace('  image: kaizen\n', '  image: kaizen\n  rolloutTimeout: soon\n  replicas: 3\n'),
    );
    await writeFile(join(bad, 'billing.yaml'), 'name: billing\nchannel: C0BILLING\nstrategy: helm\n');
    const result = await runCli(['config', 'check'], { SERVICES_DIR: bad, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/has 3 problems/);
    expect(result.stderr).toContain(
      `${join(bad, 'kaizen.yaml')}: kubernetes.rolloutTimeout: must be like 30s, 5m, 1h`,
    );
    expect(result.stderr).toContain(`${join(bad, 'kaizen.yaml')}: kubernetes.replicas: unknown field`);
    expect(result.stderr).toContain(
      `${join(bad, 'billing.yaml')}: strategy: strategy "helm" needs a "helm:" section`,
    );
  });

  it('on success says so, and --print shows the configuration with every secret redacted', async () => {
    const good = join(dir, 'good');
    await mkdir(good);
    await writeFile(join(good, 'kaizen.yaml'), GOOD);
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxb-very-secret-token',
      SLACK_SIGNING_SECRET: 'signing-secret-value-123',
      REPORT_TOKEN: 'report-token-0123456789',
      REDIS_URL: 'redis://user:hunter2-password@127.0.0.1:1',
    };
    const result = await runCli(['config', 'check', '--print'], { SERVICES_DIR: good, ...secrets });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Configuration is valid: 1 service .*\(kaizen\)/);
    expect(result.stdout).toContain('deployment: kaizen');
    expect(result.stdout).toContain('[redacted]');
    for (const value of Object.values(secrets))
      expect(result.stdout).not.toContain(value.includes('hunter2') ? 'hunter2' : value);
  });

  it('warns (exit 0) about services open to more people than their file names', async () => {
    const open = join(dir, 'open');
    await mkdir(open);
    await writeFile(join(open, 'kaizen.yaml'), `${GOOD}approval:\n  required: 1\n`);
    await writeFile(
      join(open, 'billing.yaml'),
      GOOD.replace('name: kaizen', 'name: billing').concat('permissions:\n  channels: []\n'),
    );
    await writeFile(
      join(open, 'search.yaml'),
      GOOD.replace('name: kaizen', 'name: search').concat(
        'approval:\n  required: 1\n  approvers: [U0LEAD]\npermissions:\n  request: {users: [U0ALICE]}\n  channels: [C0KAIZEN]\n',
      ),
    );
    const result = await runCli(['config', 'check'], { SERVICES_DIR: open });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Configuration is valid: 3 services/);
    expect(result.stderr).toContain(
      'kaizen: no permissions: section: anyone in C0KAIZEN may request, dry-run and release rollbacks of it',
    );
    expect(result.stderr).toContain(
      'kaizen: approval.required is 1 but no approvers are listed (approval.approvers or permissions.approve): anyone but the requester may approve.',
    );
    expect(result.stderr).toContain(
      'billing: permissions: without request: or channels: lets anyone in the workspace, in any channel',
    );
    expect(result.stderr).not.toContain('search:');
  });

  it('warns (exit 0), naming the variable and the service, when a GitOps tokenEnv is not set; never prints a token', async () => {
    const tokens = join(dir, 'tokens');
    await mkdir(tokens);
    const withToken = (name: string, tokenEnv?: string) =>
      GOOD.replace('name: kaizen', `name: ${name}`).concat(
        `gitops:\n  pause: true\n  git:\n    repo: /srv/deploy.git\n    path: apps/${name}/deployment.yaml\n`,
        `    pullRequests: {owner: acme, repo: deploy${tokenEnv ? `, tokenEnv: ${tokenEnv}` : ''}}\n`,
      );
    await writeFile(join(tokens, 'kaizen.yaml'), withToken('kaizen', 'KAIZEN_GIT_TOKEN'));
    await writeFile(join(tokens, 'billing.yaml'), withToken('billing', 'BILLING_GIT_TOKEN'));
    await writeFile(join(tokens, 'search.yaml'), withToken('search'));
    await writeFile(join(tokens, 'plain.yaml'), GOOD.replace('name: kaizen', 'name: plain'));
    const token = 'ghp_billingTokenValue0123456789abcdef';
    const env = { SERVICES_DIR: tokens, BILLING_GIT_TOKEN: token, GIT_TOKEN: '' };
    for (const args of [
      ['config', 'check'],
      ['config', 'check', '--print'],
    ]) {
      const result = await runCli(args, env);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/Configuration is valid: 4 services/);
      const unset = result.stderr.slice(result.stderr.indexOf('⚠ Unset variables:'));
      expect(unset.split('\n').filter((line) => line.startsWith('  '))).toEqual([
        expect.stringMatching(
          /^ {2}kaizen: gitops\.git\.pullRequests\.tokenEnv names KAIZEN_GIT_TOKEN, which is not set/,
        ),
        expect.stringMatching(
          /^ {2}search: gitops\.git\.pullRequests\.tokenEnv names GIT_TOKEN, which is not set/,
        ),
      ]);
      expect(unset).toContain('Set KAIZEN_GIT_TOKEN in the bot');
      expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    }
  });

  it('warns (exit 0) the same way when a registry credentialsEnv is not set or empty; never prints credentials', async () => {
    const registries = join(dir, 'registries');
    await mkdir(registries);
    const withCredentials = (name: string, credentialsEnv: string) =>
      GOOD.replace('name: kaizen', `name: ${name}`).concat(
        `  registry: {credentialsEnv: ${credentialsEnv}}\n`,
      );
    await writeFile(join(registries, 'kaizen.yaml'), withCredentials('kaizen', 'KAIZEN_REGISTRY_AUTH'));
    await writeFile(join(registries, 'billing.yaml'), withCredentials('billing', 'BILLING_REGISTRY_AUTH'));
    await writeFile(join(registries, 'search.yaml'), withCredentials('search', 'REGISTRY_AUTH'));
    const credentials = 'robot:billingRegistryPassword0123';
    const env = { SERVICES_DIR: registries, BILLING_REGISTRY_AUTH: credentials, REGISTRY_AUTH: '  ' };
    for (const args of [
      ['config', 'check'],
      ['config', 'check', '--print'],
    ]) {
      const result = await runCli(args, env);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/Configuration is valid: 3 services/);
      const unset = result.stderr.slice(result.stderr.indexOf('⚠ Unset variables:'));
      expect(unset.split('\n').filter((line) => line.startsWith('  '))).toEqual([
        expect.stringMatching(
          /^ {2}kaizen: kubernetes\.registry\.credentialsEnv names KAIZEN_REGISTRY_AUTH, which is not set/,
        ),
        expect.stringMatching(
          /^ {2}search: kubernetes\.registry\.credentialsEnv names REGISTRY_AUTH, which is not set/,
        ),
      ]);
      expect(unset).toContain('Set KAIZEN_REGISTRY_AUTH in the bot');
      expect(`${result.stdout}${result.stderr}`).not.toContain('billingRegistryPassword0123');
    }
  });

  it('a bad environment variable is a problem too (exit 1)', async () => {
    const result = await runCli(['config', 'check'], {
      SERVICES_DIR: join(dir, 'good'),
      REPORT_SIGNING_KEY: 'short',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/REPORT_SIGNING_KEY: must be at least 32 characters/);
  });
});
