import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogError } from '../../src/config/catalog-error.js';
import { loadCatalog } from '../../src/config/load-catalog.js';
import { redactConfig } from '../../src/config/redact-config.js';

const KAIZEN = `
name: kaizen
channel: "#incident-kaizen"
strategy: kubernetes
kubernetes:
  deployment: kaizen
  container: kaizen
  image: registry.example.com/team/kaizen
  registry:
    credentialsSecretName: kaizen-pull
    credentialsEnv: KAIZEN_REGISTRY_AUTH
versions:
  git:
    repository: https://git.example.com/team/kaizen.git
verify:
  healthUrl: http://kaizen-service/health
  alerts:
    alertmanagerUrl: http://alertmanager:9093
    matchers: ['service="kaizen"', 'severity=~"critical|page"']
  metrics:
    - name: error-rate
      prometheusUrl: http://prometheus:9090
      query: 'sum(rate(http_requests_total{app="kaizen",code=~"5.."}[5m])) / sum(rate(http_requests_total{app="kaizen"}[5m]))'
      op: '<'
      value: 0.05
    - name: scraped
      prometheusUrl: http://prometheus:9090
      query: up{app="kaizen"}
      op: '=='
      value: 1
      timeout: 5s
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-checks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsOf(text: string): Promise<string[]> {
  await writeFile(join(dir, 'kaizen.yaml'), text);
  const error = await loadCatalog(dir).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(CatalogError);
  return (error as CatalogError).message.split('\n').slice(1);
}

describe('catalog fields for registry checks, version sources and monitoring checks', () => {
  it('reads them with their defaults', async () => {
    await writeFile(join(dir, 'kaizen.yaml'), KAIZEN);

    const kaizen = (await loadCatalog(dir)).require('kaizen');

    expect(kaizen.kubernetes?.registry).toEqual({
      credentialsSecretName: 'kaizen-pull',
      credentialsEnv: 'KAIZEN_REGISTRY_AUTH',
      useImagePullSecrets: true,
      insecure: false,
      timeout: 10,
    });
    expect(kaizen.versions?.git).toEqual({
      repository: 'https://git.example.com/team/kaizen.git',
      tagPattern: 'v*',
      cacheTtl: 300,
    });
    expect(kaizen.verify.alerts).toEqual({
      alertmanagerUrl: 'http://alertmanager:9093',
      matchers: ['service="kaizen"', 'severity=~"critical|page"'],
      timeout: 10,
    });
    expect(kaizen.verify.metrics?.map((m) => [m.name, m.op, m.value, m.timeout])).toEqual([
      ['error-rate', '<', 0.05, 10],
      ['scraped', '==', 1, 5],
    ]);
  });

  it('prints the references to credentials in config check, since they are not secrets', async () => {
    await writeFile(join(dir, 'kaizen.yaml'), KAIZEN);
    const kaizen = (await loadCatalog(dir)).require('kaizen');

    expect(redactConfig(kaizen.kubernetes?.registry)).toMatchObject({
      credentialsSecretName: 'kaizen-pull',
      credentialsEnv: 'KAIZEN_REGISTRY_AUTH',
    });
  });

  it.each([
    [
      KAIZEN.replace(`'service="kaizen"', `, `'service kaizen', `),
      /verify\.alerts\.matchers\.0: must be an Alertmanager matcher/,
    ],
    [KAIZEN.replace('matchers: [', 'matchers: [] #'), /verify\.alerts\.matchers: needs at least one matcher/],
    [
      KAIZEN.replace(
        'http://prometheus:9090\n      query: up',
        'http://bot:pw@prometheus:9090\n      query: up',
      ),
      /verify\.metrics\.1\.prometheusUrl: must not contain a password/,
    ],
    [KAIZEN.replace("op: '=='", "op: '=<'"), /verify\.metrics\.1\.op/],
    [KAIZEN.replace('name: scraped', 'name: error-rate'), /verify\.metrics: metric names must be unique/],
    [
      KAIZEN.replace('https://git.example.com', 'https://bot:token@git.example.com'),
      /versions\.git\.repository: must not contain a password/,
    ],
    [
      KAIZEN.replace('https://git.example.com/team/kaizen.git', '--upload-pack=evil'),
      /versions\.git\.repository: must not start with "-"/,
    ],
    [
      KAIZEN.replace(
        'credentialsEnv: KAIZEN_REGISTRY_AUTH',
        'credentialsEnv: KAIZEN_REGISTRY_AUTH\n    credentialsFile: /run/secrets/registry',
      ),
      /kubernetes\.registry: set credentialsEnv or credentialsFile, not both/,
    ],
    [KAIZEN.replace('credentialsEnv: KAIZEN_REGISTRY_AUTH', 'password: hunter2'), /kubernetes\.registry/],
  ])('refuses a wrong field with a plain message (%#)', async (text, expected) => {
    const problems = await problemsOf(text);
    expect(problems.join('\n')).toMatch(expected);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
