import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * `kubectl create secret|configmap ... --dry-run=client -o json`, then `kubectl create -f` of that file:
 * the generator commands post protobuf, which the fake (JSON only) answers with 415. The fake serves no
 * OpenAPI documents, so files are sent with `--validate=false` (the server still validates them).
 */
async function createGenerated(
  fake: FakeKube,
  dir: string,
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const generated = await runKubectl(fake, ['create', ...args, '--dry-run=client', '-o', 'json']);
  if (generated.exitCode !== 0) return generated;
  const file = join(
    dir,
    `${args
      .join('-')
      .replace(/[^a-z0-9-]/gi, '_')
      .slice(0, 60)}.json`,
  );
  await writeFile(file, generated.stdout);
  return runKubectl(fake, ['create', '--validate=false', '-f', file]);
}

describe('Secrets and ConfigMaps on the fake API server, through real kubectl', () => {
  let fake: FakeKube;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    dir = await mkdtemp(join(tmpdir(), 'kubectl-config-'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a generic Secret from literals and serves its data base64-encoded', async () => {
    const created = await createGenerated(fake, dir, [
      'secret',
      'generic',
      'db',
      '--from-literal=password=s3cret',
    ]);
    expect(created).toMatchObject({ exitCode: 0, stdout: 'secret/db created' });

    const value = await runKubectl(fake, ['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']);
    expect(value.stdout).toBe(b64('s3cret'));
    const type = await runKubectl(fake, ['get', 'secret', 'db', '-o', 'jsonpath={.type}']);
    expect(type.stdout).toBe('Opaque');
  });

  it('creates a docker-registry Secret that holds a dockerconfigjson', async () => {
    const created = await createGenerated(fake, dir, [
      'secret',
      'docker-registry',
      'kaizen-pull',
      '--docker-server=registry.example.com',
      '--docker-username=ci',
      '--docker-password=pull-pass',
    ]);
    expect(created.exitCode).toBe(0);

    const table = await runKubectl(fake, ['get', 'secrets']);
    expect(table.stdout).toMatch(
      /^NAME +TYPE +DATA +AGE\nkaizen-pull +kubernetes\.io\/dockerconfigjson +1 +\d+s$/,
    );
    const payload = await runKubectl(fake, [
      'get',
      'secret',
      'kaizen-pull',
      '-o',
      'jsonpath={.data.\\.dockerconfigjson}',
    ]);
    const config = JSON.parse(Buffer.from(payload.stdout, 'base64').toString('utf8')) as {
      auths: Record<string, { username: string; password: string; auth: string }>;
    };
    expect(config.auths['registry.example.com']).toMatchObject({
      username: 'ci',
      password: 'pull-pass',
      auth: b64('ci:pull-pass'),
    });
  });

  it('creates, lists, patches and deletes a ConfigMap', async () => {
    expect(
      await createGenerated(fake, dir, [
        'configmap',
        'kaizen-config',
        '--from-literal=LOG_LEVEL=info',
        '--from-literal=WORKERS=4',
      ]),
    ).toMatchObject({ exitCode: 0, stdout: 'configmap/kaizen-config created' });
    const table = await runKubectl(fake, ['get', 'cm']);
    expect(table.stdout).toMatch(/^NAME +DATA +AGE\nkaizen-config +2 +\d+s$/);
    const before = await runKubectl(fake, [
      'get',
      'configmap',
      'kaizen-config',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);

    const patched = await runKubectl(fake, [
      'patch',
      'configmap',
      'kaizen-config',
      '-p',
      '{"data":{"LOG_LEVEL":"debug"}}',
    ]);
    expect(patched).toMatchObject({ exitCode: 0, stdout: 'configmap/kaizen-config patched' });
    const after = await runKubectl(fake, [
      'get',
      'configmap',
      'kaizen-config',
      '-o',
      'jsonpath={.data.LOG_LEVEL} {.data.WORKERS} {.metadata.resourceVersion}',
    ]);
    const [level, workers, version] = after.stdout.split(' ');
    expect([level, workers]).toEqual(['debug', '4']);
    expect(Number(version)).toBeGreaterThan(Number(before.stdout));

    expect(await runKubectl(fake, ['delete', 'configmap', 'kaizen-config'])).toMatchObject({ exitCode: 0 });
    const gone = await runKubectl(fake, ['get', 'configmap', 'kaizen-config']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('configmaps "kaizen-config" not found');
  });

  it('replaces a ConfigMap from a file and refuses a Secret with data that is not base64', async () => {
    await createGenerated(fake, dir, ['configmap', 'kaizen-config', '--from-literal=LOG_LEVEL=info']);
    const file = join(dir, 'cm.json');
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kaizen-config' },
        data: { LOG_LEVEL: 'warn' },
      }),
    );
    expect(await runKubectl(fake, ['replace', '--validate=false', '-f', file])).toMatchObject({
      exitCode: 0,
      stdout: 'configmap/kaizen-config replaced',
    });
    expect(
      (await runKubectl(fake, ['get', 'cm', 'kaizen-config', '-o', 'jsonpath={.data.LOG_LEVEL}'])).stdout,
    ).toBe('warn');

    const bad = join(dir, 'secret.json');
    await writeFile(
      bad,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bad' },
        data: { key: 'not base64!' },
      }),
    );
    const refused = await runKubectl(fake, ['create', '--validate=false', '-f', bad]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('illegal base64 data');
  });

  it('keeps objects created through the test API readable by kubectl', async () => {
    fake.createConfigMap({ name: 'kaizen-config', data: { LOG_LEVEL: 'info' } });
    fake.createSecret({ name: 'kaizen-db', data: { DB_PASSWORD: 'hunter2' } });
    fake.updateConfigData('ConfigMap', 'default', 'kaizen-config', { LOG_LEVEL: 'debug' });

    expect(
      (await runKubectl(fake, ['get', 'cm', 'kaizen-config', '-o', 'jsonpath={.data.LOG_LEVEL}'])).stdout,
    ).toBe('debug');
    expect(
      (await runKubectl(fake, ['get', 'secret', 'kaizen-db', '-o', 'jsonpath={.data.DB_PASSWORD}'])).stdout,
    ).toBe(b64('hunter2'));
  });
});

describe('pods that never become ready, through real kubectl', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0', replicas: 1 });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('shows an image that cannot be pulled as ErrImagePull / ImagePullBackOff with the kubelet events', async () => {
    fake.markImageUnpullable('kaizen:v0.9.9');
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.9');

    await expect
      .poll(async () => (await runKubectl(fake, ['get', 'pods'])).stdout, { timeout: 10_000 })
      .toMatch(/kaizen-\w+-\w{5} +0\/1 +ImagePullBackOff +0 +\d+s/);
    const newPod = fake.pods('default').find((p) => p.spec?.containers[0]?.image === 'kaizen:v0.9.9');
    const described = await runKubectl(fake, ['describe', 'pod', newPod?.metadata?.name ?? '']);
    expect(described.stdout).toMatch(
      /Warning +Failed +.* +kubelet +Failed to pull image "kaizen:v0\.9\.9": .*not found/,
    );
    expect(described.stdout).toMatch(/Reason: +(ImagePullBackOff|ErrImagePull)/);
    const logs = await runKubectl(fake, ['logs', newPod?.metadata?.name ?? '']);
    expect(logs.stderr).toContain('is waiting to start: trying and failing to pull image');
  });

  it('serves the previous container log of a crash-looping pod, and refuses it for one that never restarted', async () => {
    fake.markImageBroken('kaizen:v0.9.0');
    fake.setPodLogs('kaizen:v0.9.0', ['starting again'], ['starting', 'FATAL: cannot connect to db']);
    fake.setPodLogs('kaizen:v0.7.0', ['healthy']);
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.9.0');
    const crashing = fake.pods('default').find((p) => p.spec?.containers[0]?.image === 'kaizen:v0.9.0');
    const healthy = fake.pods('default').find((p) => p.spec?.containers[0]?.image === 'kaizen:v0.7.0');

    const previous = await runKubectl(fake, ['logs', crashing?.metadata?.name ?? '', '--previous']);
    expect(previous).toMatchObject({ exitCode: 0, stdout: 'starting\nFATAL: cannot connect to db' });
    const refused = await runKubectl(fake, ['logs', healthy?.metadata?.name ?? '', '--previous']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      `previous terminated container "kaizen" in pod "${healthy?.metadata?.name}" not found`,
    );
  });
});
