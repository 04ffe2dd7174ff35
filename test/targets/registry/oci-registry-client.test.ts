import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../../src/observability/logger.js';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import { RegistryCredential, type RegistryAccess } from '../../../src/rollback/ports/image-registry.js';
import { fetchRegistryToken } from '../../../src/targets/registry/fetch-registry-token.js';
import { OciRegistryClient } from '../../../src/targets/registry/oci-registry-client.js';
import {
  startFakeRegistry,
  type FakeRegistry,
  type FakeRegistryOptions,
} from '../../support/fake-registry/index.js';

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
let registry: FakeRegistry;

async function start(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  registry = await startFakeRegistry({ users: { ci: 'pull-pass' }, ...options });
  registry.pushImage('team/kaizen', 'v0.7.0');
  registry.pushImage('team/kaizen', 'v0.8.0');
  return registry;
}

function client(
  access: Partial<RegistryAccess> = {},
  extra: { timeoutMs?: number; log?: ReturnType<typeof silentLogger> } = {},
): OciRegistryClient {
  return new OciRegistryClient({
    access: { insecure: true, ...access },
    log: extra.log ?? silentLogger(),
    retry: FAST_RETRY,
    timeoutMs: extra.timeoutMs ?? 2_000,
  });
}

const credentialsFor = (username: string, password: string) => async (host: string) =>
  host === registry.host ? new RegistryCredential(username, password, 'test secret') : undefined;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

afterEach(async () => {
  await registry?.close();
});

describe('OciRegistryClient against a fake registry with the token flow', () => {
  beforeEach(async () => {
    await start();
  });

  it('finds a tag anonymously through the token flow and reports its digest', async () => {
    const result = await client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0');

    expect(result).toEqual({
      exists: true,
      digest: registry.digestOf('team/kaizen', 'v0.7.0'),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(registry.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.auth}`)).toEqual([
      'HEAD /v2/team/kaizen/manifests/v0.7.0 none',
      'GET /token none',
      'HEAD /v2/team/kaizen/manifests/v0.7.0 bearer',
    ]);
    expect(registry.requests[1]?.path).toContain('scope=repository%3Ateam%2Fkaizen%3Apull');
  });

  it('reuses the token for the next check of the same repository', async () => {
    const bot = client();
    await bot.manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0');
    const before = registry.requests.length;

    await expect(bot.manifestExists(`${registry.host}/team/kaizen`, 'v0.8.0')).resolves.toMatchObject({
      exists: true,
    });
    expect(registry.requests.slice(before).map((r) => `${r.method} ${r.auth}`)).toEqual(['HEAD bearer']);
    expect(registry.tokensIssued).toBe(1);
  });

  it('gets a new token when the registry no longer accepts the cached one', async () => {
    const bot = client();
    await bot.manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0');
    registry.expireTokens();

    await expect(bot.manifestExists(`${registry.host}/team/kaizen`, 'v0.8.0')).resolves.toMatchObject({
      exists: true,
    });
    expect(registry.tokensIssued).toBe(2);
  });

  it('says a tag or repository does not exist', async () => {
    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v9.9.9')).resolves.toEqual({
      exists: false,
    });
    await expect(client().manifestExists(`${registry.host}/team/nothing`, 'v0.7.0')).resolves.toEqual({
      exists: false,
    });
  });

  it('checks a digest and follows a tag moved to another image', async () => {
    const old = registry.digestOf('team/kaizen', 'v0.7.0') ?? '';
    await expect(client().manifestExists(`${registry.host}/team/kaizen`, old)).resolves.toMatchObject({
      exists: true,
      digest: old,
    });

    const moved = registry.pushImage('team/kaizen', 'v0.7.0');
    expect(moved).not.toBe(old);
    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')).resolves.toMatchObject({
      digest: moved,
    });
    registry.retag('team/kaizen', 'v0.7.0', old);
    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')).resolves.toMatchObject({
      digest: old,
    });
  });

  it('pulls a private repository with credentials, sent as Basic to the token service only', async () => {
    registry.setAccess('team/kaizen', { public: false, users: ['ci'] });

    const result = await client({ credentials: credentialsFor('ci', 'pull-pass') }).manifestExists(
      `${registry.host}/team/kaizen`,
      'v0.8.0',
    );

    expect(result).toMatchObject({ exists: true, digest: registry.digestOf('team/kaizen', 'v0.8.0') });
    expect(registry.requests.map((r) => `${r.path.split('?')[0]} ${r.auth}`)).toEqual([
      '/v2/team/kaizen/manifests/v0.8.0 none',
      '/token basic',
      '/v2/team/kaizen/manifests/v0.8.0 bearer',
    ]);
  });

  it('refuses plainly when a private repository needs credentials the service lacks', async () => {
    registry.setAccess('team/kaizen', { public: false, users: ['ci'] });

    const error = await failure(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.8.0'));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'registry_unauthorized',
      message: `The registry ${registry.host} needs credentials to read team/kaizen:v0.8.0 (401), and none are configured for it.`,
    });
    // One challenge, one token, one retry: never a loop.
    expect(registry.requests).toHaveLength(3);
  });

  it('names the credentials the token service rejected, without their content', async () => {
    registry.setAccess('team/kaizen', { public: false, users: ['ci'] });

    const error = await failure(
      client({ credentials: credentialsFor('ci', 'wrong-pass') }).manifestExists(
        `${registry.host}/team/kaizen`,
        'v0.8.0',
      ),
    );

    expect(error).toMatchObject({
      code: 'registry_unauthorized',
      message: `The token service of ${registry.host} rejected the credentials from test secret (401) for team/kaizen:v0.8.0.`,
    });
    expect(JSON.stringify(error)).not.toContain('wrong-pass');
    expect((error as Error).message).not.toContain('wrong-pass');
  });

  it('gives up after one retry when the registry answers 401 even to a fresh token', async () => {
    registry.injectFault({ status: 401, times: Infinity });

    const error = await failure(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0'));

    expect(error).toBeInstanceOf(PermanentError);
    expect(registry.requests.filter((r) => r.path.startsWith('/v2/'))).toHaveLength(2);
  });

  it('retries a 500 and a 429, then succeeds', async () => {
    registry.injectFault({ status: 500 });
    registry.injectFault({ status: 429 });

    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')).resolves.toMatchObject({
      exists: true,
    });
  });

  it('reports a registry that keeps failing as retryable, after the attempts', async () => {
    registry.injectFault({ status: 503, times: Infinity });

    const error = await failure(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0'));

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      code: 'registry_unavailable',
      message: `The registry ${registry.host} answered 503 while checking team/kaizen:v0.7.0.`,
    });
    expect(registry.requests).toHaveLength(FAST_RETRY.attempts);
  });

  it('does not retry a 403', async () => {
    registry.injectFault({ status: 403, times: Infinity });

    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')).rejects.toMatchObject({
      code: 'registry_forbidden',
    });
    expect(registry.requests).toHaveLength(1);
  });

  it('times out a registry that does not answer', async () => {
    registry.injectFault({ delayMs: 1_000, times: Infinity });

    const error = await failure(
      client({}, { timeoutMs: 100 }).manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0'),
    );

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toBe(
      `The registry ${registry.host} did not answer within 100 ms (checking team/kaizen:v0.7.0).`,
    );
  });

  it('stops when the caller cancels', async () => {
    registry.injectFault({ delayMs: 1_000, times: Infinity });
    const controller = new AbortController();
    const pending = failure(
      client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0', { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 50);

    await expect(pending).resolves.toMatchObject({ code: 'cancelled' });
  });

  it('says plainly when the registry cannot be reached', async () => {
    const host = registry.host;
    await registry.close();

    const error = await failure(client().manifestExists(`${host}/team/kaizen`, 'v0.7.0'));

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toBe(
      `Cannot reach the registry ${host} (ECONNREFUSED) to check team/kaizen:v0.7.0.`,
    );
  });

  it('never sends credentials to a token service over plain HTTP unless the registry is configured insecure', async () => {
    const error = await failure(
      fetchRegistryToken(
        { realm: `${registry.url}/token`, service: 'fake-registry' },
        {
          call: { registryHost: 'registry.example.com', what: 'team/kaizen:v0.7.0' },
          credential: new RegistryCredential('ci', 'pull-pass', 'test secret'),
          insecure: false,
          timeoutMs: 1_000,
          userAgent: 'test',
        },
      ),
    );

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'registry_insecure_realm' });
    expect(registry.requests).toHaveLength(0);
  });

  it('never writes credentials or tokens to the log', async () => {
    registry.setAccess('team/kaizen', { public: false, users: ['ci'] });
    registry.injectFault({ status: 500 });
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'debug', destination });

    await client({ credentials: credentialsFor('ci', 'pull-pass') }, { log }).manifestExists(
      `${registry.host}/team/kaizen`,
      'v0.7.0',
    );

    const output = lines.join('');
    expect(output).toContain('registry check failed, retrying');
    expect(output).not.toContain('pull-pass');
    expect(output).not.toContain(Buffer.from('ci:pull-pass').toString('base64'));
    expect(output).not.toMatch(/Bearer/);
    expect(JSON.stringify(new RegistryCredential('ci', 'pull-pass', 'x'))).not.toContain('pull-pass');
  });
});

describe('OciRegistryClient with other registry behaviours', () => {
  it('hashes the manifest itself when the registry omits Docker-Content-Digest', async () => {
    await start({ omitDigestHeader: true });

    const result = await client().manifestExists(`${registry.host}/team/kaizen`, 'v0.8.0');

    expect(result).toMatchObject({ exists: true, digest: registry.digestOf('team/kaizen', 'v0.8.0') });
    expect(registry.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'HEAD /v2/team/kaizen/manifests/v0.8.0',
      'GET /token',
      'HEAD /v2/team/kaizen/manifests/v0.8.0',
      'GET /v2/team/kaizen/manifests/v0.8.0',
    ]);
  });

  it('answers a Basic challenge with the service credentials', async () => {
    await start({ auth: 'basic' });
    registry.setAccess('team/kaizen', { public: false, users: ['ci'] });

    await expect(
      client({ credentials: credentialsFor('ci', 'pull-pass') }).manifestExists(
        `${registry.host}/team/kaizen`,
        'v0.7.0',
      ),
    ).resolves.toMatchObject({ exists: true });
    expect(registry.requests.map((r) => r.auth)).toEqual(['none', 'basic']);
  });

  it('checks a registry without authentication in one request', async () => {
    await start({ auth: 'none' });

    await expect(client().manifestExists(`${registry.host}/team/kaizen`, 'v0.7.0')).resolves.toMatchObject({
      exists: true,
    });
    expect(registry.requests).toHaveLength(1);
  });
});
