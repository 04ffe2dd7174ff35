import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogError } from '../../src/config/catalog-error.js';
import { permissionWarnings } from '../../src/config/permission-warnings.js';
import { loadCatalog } from '../../src/config/load-catalog.js';
import { RollbackError } from '../../src/errors/rollback-error.js';

const KAIZEN = `
name: kaizen
channel: "#incident-kaizen"
strategy: kubernetes
kubernetes:
  deployment: kaizen
  container: kaizen
  image: registry.example.com/kaizen
  rolloutTimeout: 5m
`;

const service = (name: string, extra = ''): string => KAIZEN.replace('name: kaizen', `name: ${name}`) + extra;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
}

/** Loads the catalog expecting it to fail; returns the error's message lines after the first. */
async function problemsOf(files: Record<string, string>): Promise<string[]> {
  await write(files);
  const error = await loadCatalog(dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CatalogError);
  return (error as CatalogError).message.split('\n').slice(1);
}

describe('loadCatalog', () => {
  it('loads every .yaml and .yml file, applies defaults and ignores other files', async () => {
    await write({
      'kaizen.yaml': KAIZEN,
      'billing.yml': service('billing', 'verify:\n  healthUrl: http://billing/health\n'),
      'README.md': '# not a service',
      '.kaizen.yaml.swp': 'garbage: [',
    });
    await mkdir(join(dir, 'archive'));
    await writeFile(join(dir, 'archive', 'old.yaml'), 'garbage: [');

    const catalog = await loadCatalog(dir);

    expect(catalog.names()).toEqual(['billing', 'kaizen']);
    const kaizen = catalog.require('kaizen');
    expect(kaizen.environment).toBe('production');
    expect(kaizen.kubernetes).toMatchObject({ namespace: 'default', rolloutTimeout: 300 });
    expect(kaizen.verify).toEqual({ expectStatus: 200 });
    expect(kaizen.approval).toEqual({ required: 0, expiresAfter: 900, approvers: [] });
    expect(catalog.get('billing')?.verify.healthUrl).toBe('http://billing/health');
  });

  it('reports a YAML syntax error with file, line and column', async () => {
    const lines = await problemsOf({
      'kaizen.yaml': 'name: kaizen\nkubernetes:\n  deployment: kaizen\n\tcontainer: kaizen\n',
    });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}:4:1: YAML syntax error: Tabs are not allowed as indentation`,
    ]);
  });

  it('reports duplicate keys and a second document as syntax problems', async () => {
    const lines = await problemsOf({
      'a.yaml': service('a', 'channel: "#other"\n'),
      'b.yaml': `${service('b')}---\nname: c\n`,
    });
    expect(lines).toEqual([
      `${join(dir, 'a.yaml')}:10:1: YAML syntax error: Map keys must be unique`,
      expect.stringMatching(
        /b\.yaml:10:1: a file holds one service: remove the "---" and move the second service to its own file$/,
      ),
    ]);
  });

  it('names the field path of a wrong type and a bad duration', async () => {
    const lines = await problemsOf({
      'kaizen.yaml':
        KAIZEN.replace('rolloutTimeout: 5m', 'rolloutTimeout: 5 minutes') +
        'verify:\n  expectStatus: "200"\n',
    });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}: kubernetes.rolloutTimeout: must be like 30s, 5m, 1h or a number of seconds`,
      `${join(dir, 'kaizen.yaml')}: verify.expectStatus: must be a number (found the text "200")`,
    ]);
  });

  it('says which required field is missing and what a bad choice may be', async () => {
    const lines = await problemsOf({
      'kaizen.yaml':
        KAIZEN.replace('  container: kaizen\n', '').replace('strategy: kubernetes', 'strategy: docker') +
        'approval:\n  required: 3\n',
    });
    const file = join(dir, 'kaizen.yaml');
    expect(lines).toEqual([
      `${file}: strategy: must be one of kubernetes, helm, apt, yum, files, compose, git (found the text "docker")`,
      `${file}: kubernetes.container: is required`,
      `${file}: approval.required: must be one of 0, 1, 2 (found 3)`,
    ]);
  });

  it('explains an unquoted #channel, which YAML reads as a comment', async () => {
    const lines = await problemsOf({
      'kaizen.yaml': KAIZEN.replace('channel: "#incident-kaizen"', 'channel: #incident-kaizen'),
    });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}: channel: has no value (in YAML a value starting with # is a comment: quote it, "#incident-kaizen")`,
    ]);
  });

  it('refuses unknown fields and suggests the near one', async () => {
    const lines = await problemsOf({
      'kaizen.yaml': KAIZEN.replace('rolloutTimeout', 'rolloutTimout') + 'owner: team-a\n',
    });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}: kubernetes.rolloutTimout: unknown field; did you mean "rolloutTimeout"?`,
      expect.stringMatching(
        /kaizen\.yaml: owner: unknown field; the fields here are name, description, environment, channel, strategy, kubernetes, verify, approval/,
      ),
    ]);
  });

  it('needs the section of the chosen strategy', async () => {
    const lines = await problemsOf({
      'kaizen.yaml': KAIZEN.replace('strategy: kubernetes', 'strategy: helm'),
    });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}: strategy: strategy "helm" needs a "helm:" section in the same file`,
    ]);
  });

  it('needs the name to match the file name', async () => {
    const lines = await problemsOf({ 'kaizen.yaml': service('kaizen-web') });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yaml')}: name: "kaizen-web" must match the file name: rename the file to kaizen-web.yaml or set name: kaizen`,
    ]);
  });

  it('refuses a service named like a command, which /rollback could never reach', async () => {
    const lines = await problemsOf({ 'status.yaml': service('status') });
    expect(lines).toEqual([
      `${join(dir, 'status.yaml')}: name: "status" is a command word (status, versions, history, cancel, release, snapshot, help); choose another service name`,
    ]);
  });

  it('refuses the same service in a .yaml and a .yml file', async () => {
    const lines = await problemsOf({ 'kaizen.yaml': KAIZEN, 'kaizen.yml': KAIZEN });
    expect(lines).toEqual([
      `${join(dir, 'kaizen.yml')}: service "kaizen" is already defined in ${join(dir, 'kaizen.yaml')}; keep one of the two files`,
    ]);
  });

  it('collects the problems of every file before failing', async () => {
    await write({ 'a.yaml': 'name: [', 'b.yaml': '', 'c.yaml': '- just\n- a list\n', 'kaizen.yaml': KAIZEN });
    const error = (await loadCatalog(dir).catch((thrown: unknown) => thrown)) as CatalogError;
    expect(error).toBeInstanceOf(RollbackError);
    expect(error.code).toBe('invalid_catalog');
    expect(error.message).toMatch(/^The service catalog has 3 problems:\n/);
    expect(error.problems.map(({ file, path }) => [file, path])).toEqual([
      [join(dir, 'a.yaml'), ''],
      [join(dir, 'b.yaml'), ''],
      [join(dir, 'c.yaml'), ''],
    ]);
    expect(error.problems[0]).toMatchObject({ line: 1 });
    expect(error.problems[1]?.message).toBe(
      'the file is empty; it should describe one service (see docs/service-catalog.md)',
    );
    expect(error.problems[2]?.message).toBe('must be a mapping of fields (found a list)');
    expect(error.hint).toMatch(/docs\/service-catalog\.md/);
  });

  it('fails clearly on an empty, missing or non-directory path', async () => {
    await expect(loadCatalog(dir)).rejects.toThrow(
      `${dir}: has no service files (*.yaml or *.yml); add one per service, like kaizen.yaml`,
    );
    await expect(loadCatalog(join(dir, 'nope'))).rejects.toThrow(
      `${join(dir, 'nope')}: the service catalog directory does not exist`,
    );
    await write({ 'kaizen.yaml': KAIZEN });
    await expect(loadCatalog(join(dir, 'kaizen.yaml'))).rejects.toThrow(/kaizen\.yaml: is not a directory/);
  });

  it('loads the shipped config/services catalog, with kaizen as in the runbook', async () => {
    const shipped = fileURLToPath(new URL('../../config/services', import.meta.url));
    const catalog = await loadCatalog(shipped);
    expect(catalog.require('kaizen')).toMatchObject({
      name: 'kaizen',
      description: 'Kailash Kaizen API',
      environment: 'production',
      channel: '#incident-kaizen',
      strategy: 'kubernetes',
      kubernetes: {
        namespace: 'default',
        deployment: 'kaizen',
        container: 'kaizen',
        image: 'kaizen',
        rolloutTimeout: 300,
      },
      verify: {
        healthUrl: 'http://kaizen-service/health',
        expectStatus: 200,
        logErrorPattern: '\\b(ERROR|FATAL|panic)\\b',
        smoke: { command: ['pytest', 'tests/smoke/', '-v'], timeout: 120 },
      },
      approval: { required: 1, expiresAfter: 900, approvers: [] },
      permissions: {
        request: { groups: ['S0KAIZENONCALL'], users: ['U0KAIZENLEAD'] },
        approve: { groups: ['S0KAIZENLEADS'], users: [] },
        channels: ['#incident-kaizen', '#deploys'],
      },
    });
    // The example is what config check holds up as closed: it warns about nothing.
    expect(permissionWarnings(catalog.require('kaizen'))).toEqual([]);
    const pattern = new RegExp(catalog.require('kaizen').verify.logErrorPattern ?? '');
    expect(pattern.test('2024-01-15 ERROR db timeout')).toBe(true);
    expect(pattern.test('no errors here')).toBe(false);
  });
});

describe('approval expiry', () => {
  it('refuses an approval window longer than 12 hours', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'catalog-expiry-'));
    try {
      await writeFile(
        join(dir, 'kaizen.yaml'),
        [
          'name: kaizen',
          'channel: C0123',
          'strategy: kubernetes',
          'kubernetes: { deployment: kaizen, container: kaizen, image: kaizen }',
          'approval: { required: 1, expiresAfter: 48h }',
        ].join('\n'),
      );
      await expect(loadCatalog(dir)).rejects.toThrow(/approval\.expiresAfter: must be at most 12h/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
