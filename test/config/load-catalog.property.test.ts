import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CatalogError } from '../../src/config/catalog-error.js';
import { loadCatalog } from '../../src/config/load-catalog.js';
import type { ServiceConfig } from '../../src/config/service-schema.js';
import { aptInstallArgv } from '../../src/rollback/strategies/apt/apt-tool.js';
import { SshCommandRunner } from '../../src/targets/shell/ssh-command-runner.js';
import type { CommandRunner } from '../../src/rollback/ports/command-runner.js';
import { hostileText } from '../support/hostile-text.js';

const root = mkdtempSync(join(tmpdir(), 'catalog-fuzz-'));
const MARKER = join(root, 'injected');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const unusedLocal: CommandRunner = {
  host: 'local',
  run: () => Promise.reject(new Error('not run in this test')),
};

/** A valid apt service on two SSH hosts: the fuzzer replaces one or more of its fields. */
function baseService(): Record<string, unknown> {
  return {
    name: 'web',
    channel: 'C0WEB',
    strategy: 'apt',
    hosts: [{ name: 'web-1' }, { name: 'deploy@web-2', port: 2222, identityFile: '/etc/keys/web' }],
    apt: { package: 'web', unit: 'web.service', sudo: true },
    approval: { required: 1, approvers: ['U0ALICE'] },
    permissions: { request: { users: ['U0ALICE'] }, channels: ['C0WEB'] },
  };
}

const FIELDS: (readonly (string | number)[])[] = [
  ['name'],
  ['channel'],
  ['strategy'],
  ['hosts', 0, 'name'],
  ['hosts', 1, 'name'],
  ['hosts', 1, 'port'],
  ['hosts', 1, 'identityFile'],
  ['apt', 'package'],
  ['apt', 'unit'],
  ['apt', 'timeout'],
  ['approval', 'required'],
  ['approval', 'approvers', 0],
  ['permissions', 'channels', 0],
  ['permissions', 'request', 'users', 0],
  ['hosts'],
  ['apt'],
  ['permissions'],
];

const hostileValue = fc.oneof(
  hostileText(MARKER),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    -1,
    0,
    Number.MAX_VALUE,
    Infinity,
    '',
    [],
    {},
    'local',
    '-oProxyCommand=sh',
    'a'.repeat(5000),
  ),
);
const mutation = fc.tuple(fc.constantFrom(...FIELDS), hostileValue);

function mutate(doc: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
}

let run = 0;
async function catalogOf(
  files: Record<string, string>,
): Promise<{ ok: true; services: ServiceConfig[] } | { ok: false; error: unknown }> {
  const dir = join(root, `c${(run += 1)}`);
  await mkdir(dir);
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const catalog = await loadCatalog(dir);
    return { ok: true, services: catalog.all() };
  } catch (error) {
    return { ok: false, error };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A refusal is a CatalogError naming the file and saying what is wrong, never another exception. */
function expectClearRefusal(error: unknown): void {
  expect(error).toBeInstanceOf(CatalogError);
  const problems = (error as CatalogError).problems;
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(problem.file).toContain(root);
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

/** Whatever the catalog accepted reaches ssh and apt-get only as words that cannot be options or shell. */
function expectSafeArgv(service: ServiceConfig): void {
  for (const host of service.hosts ?? []) {
    if (host.name === 'local') continue;
    const ssh = new SshCommandRunner(host, { local: unusedLocal });
    const argv = ssh.sshArgv(
      aptInstallArgv(service.apt ?? { package: 'x', sudo: false, restart: true, timeout: 1 }, '1.0'),
    );
    const destination = argv[argv.indexOf('--') + 1] ?? '';
    expect(destination).toBe(host.name);
    expect(destination).not.toMatch(/^-|\s/);
    if (host.identityFile !== undefined) expect(host.identityFile).not.toMatch(/^-|[\r\n]/);
  }
  if (service.apt) expect(service.apt.package).toMatch(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/);
}

describe('loadCatalog under fuzzing (fast-check)', () => {
  it('any text in a service file is loaded or refused with file and reason, never a crash', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.jsonValue().map((value) => stringify(value)),
      fc.constantFrom(
        'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
        'name: web\nname: web\n',
        '--- \nname: a\n---\nname: b\n',
        '!!js/function "function(){}"',
        'name: !!binary aGVsbG8=',
        '<<: *missing',
        '\ufeffname: web',
      ),
    );
    await fc.assert(
      fc.asyncProperty(text, async (content) => {
        const result = await catalogOf({ 'web.yaml': content });
        if (!result.ok) expectClearRefusal(result.error);
        else result.services.forEach(expectSafeArgv);
      }),
      { numRuns: 300 },
    );
  });

  it('hostile values in any field are refused or validated before they can reach an argv', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const doc = baseService();
        for (const [path, value] of mutations) {
          try {
            mutate(doc, path, value);
          } catch {
            // A path through a value an earlier mutation replaced: that mutation stands alone.
          }
        }
        const result = await catalogOf({ 'web.yaml': stringify(doc) });
        if (!result.ok) expectClearRefusal(result.error);
        else result.services.forEach(expectSafeArgv);
      }),
      { numRuns: 400 },
    );
    expect(existsSync(MARKER)).toBe(false);
  });
});
