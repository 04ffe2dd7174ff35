import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeSectionSchema } from '../../../../src/config/strategies/compose-schema.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { InputError, PermanentError } from '../../../../src/errors/rollback-error.js';
import { ComposeStrategy } from '../../../../src/rollback/strategies/compose/compose-strategy.js';
import {
  createHarness,
  memoryStore,
  request,
  runSteps,
  service,
  type Harness,
} from '../host/strategy-harness.js';

const IMAGE = 'registry.example.com/kaizen';
const dockerState = (running: string | null, extra: Record<string, unknown> = {}) => ({
  file: '/srv/kaizen/compose.yaml',
  tagVariable: 'KAIZEN_TAG',
  image: IMAGE,
  service: 'web',
  running,
  images: [
    { tag: 'v0.8.0', created: '2026-05-02 10:00:00 +0000 UTC' },
    { tag: 'v0.6.0', created: '2026-04-10 10:00:00 +0000 UTC' },
  ],
  registry: ['v0.8.0', 'v0.7.0', 'v0.6.0'],
  ...extra,
});
const COMPOSE = ['compose', '-f', '/srv/kaizen/compose.yaml', '-p', 'kaizen'];

let h: Harness;
let strategy: ComposeStrategy;
const svc = service({
  strategy: 'compose',
  hosts: [{ name: 'app-1' }, { name: 'app-2' }],
  compose: {
    file: '/srv/kaizen/compose.yaml',
    project: 'kaizen',
    service: 'web',
    image: IMAGE,
    tagVariable: 'KAIZEN_TAG',
    tags: ['v0.8.0', 'v0.7.0'],
  },
});

beforeEach(async () => {
  h = await createHarness();
  strategy = new ComposeStrategy({ runnerFactory: h.runnerFactory, log: silentLogger() });
  await h.setState('app-1', 'docker.json', dockerState('v0.8.0'));
  await h.setState('app-2', 'docker.json', dockerState('v0.8.0'));
});
afterEach(() => h.standins.cleanup());

describe('compose schema', () => {
  it('is strict and validates file, tags and the variable name', () => {
    const ok = { file: '/srv/k/compose.yaml', project: 'kaizen', service: 'web', image: IMAGE };
    expect(composeSectionSchema.parse(ok)).toEqual({ ...ok, tagVariable: 'TAG', tags: [], timeout: 300 });
    expect(composeSectionSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(composeSectionSchema.safeParse({ ...ok, file: 'compose.yaml' }).success).toBe(false);
    expect(composeSectionSchema.safeParse({ ...ok, tags: ['-v1'] }).success).toBe(false);
    expect(composeSectionSchema.safeParse({ ...ok, tagVariable: 'A;B' }).success).toBe(false);
  });
});

describe('ComposeStrategy.listVersions / resolve', () => {
  it('lists configured tags and tags present on the hosts', async () => {
    expect(await strategy.listVersions(svc)).toEqual([
      { id: 'v0.8.0', description: `${IMAGE}:v0.8.0 (configured; running on app-1, app-2)`, current: true },
      { id: 'v0.7.0', description: `${IMAGE}:v0.7.0 (configured)` },
      { id: 'v0.6.0', description: `${IMAGE}:v0.6.0 (present on app-1, app-2)` },
    ]);
  });

  it('resolves "previous" from the running tag and plans pull, down, up with the tag variable', async () => {
    const plan = await strategy.resolve(svc, request());
    expect(plan).toMatchObject({ from: `${IMAGE}:v0.8.0`, to: `${IMAGE}:v0.7.0` });
    expect(plan.target).toEqual({
      image: IMAGE,
      tag: 'v0.7.0',
      hosts: [
        { host: 'app-1', from: 'v0.8.0' },
        { host: 'app-2', from: 'v0.8.0' },
      ],
    });
    const perHost = [
      `docker pull ${IMAGE}:v0.7.0`,
      'KAIZEN_TAG=v0.7.0 docker compose -f /srv/kaizen/compose.yaml -p kaizen down',
      'KAIZEN_TAG=v0.7.0 docker compose -f /srv/kaizen/compose.yaml -p kaizen up -d',
    ];
    expect(plan.actions).toEqual([
      ...perHost.map((d) => ({ target: 'app-1', description: d })),
      ...perHost.map((d) => ({ target: 'app-2', description: d })),
    ]);
    expect(await h.standins.argvOf('docker', 'app-1')).toEqual([
      [...COMPOSE, 'images', '--format', 'json', 'web'],
      ['image', 'ls', '--format', 'json', IMAGE],
    ]);
  });

  it.each([
    ['v0.5.0', 'unknown_version'],
    ['v0.8.0', 'already_current'],
    ['v1.0; rm -rf /', 'bad_version'],
    ['$(id)', 'bad_version'],
    ['--help', 'bad_version'],
    ['v1\nv2', 'bad_version'],
  ])('refuses %j (%s) and never pulls', async (version, code) => {
    const error = await strategy.resolve(svc, request(version)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code, hint: expect.stringContaining('Known tags: v0.7.0, v0.6.0') });
    expect((await h.standins.argvOf('docker')).some((a) => a[0] === 'pull' || a.includes('up'))).toBe(false);
  });
});

describe('ComposeStrategy steps', { timeout: 120_000 }, () => {
  it('pulls, stops and starts each host with the tag, then checks it runs; a resume changes nothing', async () => {
    const plan = await strategy.resolve(svc, request());
    const steps = strategy.steps(svc, plan.target);
    expect(steps.map((s) => s.id)).toEqual(['identify', 'precheck', 'change', 'verify']);
    const memory = memoryStore();
    const run = await runSteps(steps, svc, plan, memory);
    expect(run.error).toBeUndefined();
    expect((await h.standins.argvOf('docker', 'app-2')).slice(2)).toEqual([
      [...COMPOSE, 'images', '--format', 'json', 'web'], // identify
      [...COMPOSE, 'config', '--quiet'], // precheck
      [...COMPOSE, 'images', '--format', 'json', 'web'], // change: current state first
      ['pull', `${IMAGE}:v0.7.0`],
      [...COMPOSE, 'down'],
      [...COMPOSE, 'up', '-d'],
      [...COMPOSE, 'images', '--format', 'json', 'web'], // change: check it took
    ]);
    // The tag reached docker on the remote host through ssh as KAIZEN_TAG.
    expect((await h.standins.argvOf('ssh')).filter((a) => a.at(-1)?.includes("'up'"))).toEqual([
      expect.arrayContaining([
        `'env' 'KAIZEN_TAG=v0.7.0' 'docker' 'compose' '-f' '/srv/kaizen/compose.yaml' '-p' 'kaizen' 'up' '-d'`,
      ]),
      expect.arrayContaining([
        `'env' 'KAIZEN_TAG=v0.7.0' 'docker' 'compose' '-f' '/srv/kaizen/compose.yaml' '-p' 'kaizen' 'up' '-d'`,
      ]),
    ]);
    expect(run.details).toContain('change: app-1: v0.8.0 → v0.7.0');
    expect((await strategy.listVersions(svc)).find((v) => v.current)?.id).toBe('v0.7.0');

    for (const mem of [memory, memoryStore()]) {
      const again = await runSteps(strategy.steps(svc, plan.target), svc, plan, mem, { from: 'change' });
      expect(again.results[0]).toMatchObject({ id: 'change', skipped: true });
    }
    expect((await h.standins.argvOf('docker')).filter((a) => a[0] === 'pull')).toHaveLength(2);
  });

  it('a failing up says the project is down on that host and what to run', async () => {
    const plan = await strategy.resolve(svc, request());
    await h.setState('app-1', 'docker.json', dockerState('v0.8.0', { failUp: { exitCode: 1 } }));
    const run = await runSteps(strategy.steps(svc, plan.target), svc, plan);
    expect(run.failedStep).toBe('change');
    const error = run.error as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(
      'Could not start the compose project kaizen with KAIZEN_TAG=v0.7.0 on app-1 (exit code 1).',
    );
    expect(error.details.some((d) => d.includes('port is already allocated'))).toBe(true);
    expect(error.hint).toContain('The project is DOWN on app-1');
    expect(error.hint).toContain('Not done: app-2');
    expect(await h.standins.argvOf('docker', 'app-2')).not.toContainEqual(['pull', `${IMAGE}:v0.7.0`]);
  });
});
