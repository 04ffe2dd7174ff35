import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/main/app-config.js';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';
import { freePort } from '../support/free-port.js';

const PASSWORD = 'acl-s3cret-password';

/** A CA and a certificate for `redis.internal` signed by it (openssl), in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const run = (args: string[]) => execa('openssl', args, { cwd: dir });
  await run(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca'].concat([
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ]),
  );
  await run(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=redis.internal', '-keyout', 'redis.key'].concat([
      '-out',
      'redis.csr',
    ]),
  );
  await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=DNS:redis.internal\n');
  await run(
    ['x509', '-req', '-in', 'redis.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
      '-out',
      'redis.crt',
    ]),
  );
}

describe('Redis over TLS with an ACL user (a real redis-server with a private CA)', () => {
  let dir: string;
  let server: ResultPromise;
  let port: number;
  const env = () => ({
    REDIS_URL: `rediss://127.0.0.1:${port}`,
    REDIS_USERNAME: 'rollback-bot',
    REDIS_PASSWORD: PASSWORD,
    REDIS_TLS_CA_FILE: join(dir, 'ca.crt'),
    REDIS_TLS_SERVERNAME: 'redis.internal',
    REDIS_PREFIX: 'tls-test',
  });
  const factoryFor = (vars: Record<string, string>) => {
    const config = loadAppConfig(vars);
    return new RedisConnectionFactory({
      url: config.redisUrl,
      settings: config.redis,
      prefix: config.redisPrefix,
    });
  };
  const failureOf = async (vars: Record<string, string>) =>
    factoryFor(vars)
      .assertAnswers(3_000)
      .then(
        () => '',
        (error: unknown) => `${(error as Error).message} ${JSON.stringify(error)}`,
      );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-tls-'));
    await makeCertificates(dir);
    port = await freePort();
    const config = [
      'port 0',
      `tls-port ${port}`,
      'bind 127.0.0.1',
      `tls-cert-file ${join(dir, 'redis.crt')}`,
      `tls-key-file ${join(dir, 'redis.key')}`,
      `tls-ca-cert-file ${join(dir, 'ca.crt')}`,
      'tls-auth-clients no',
      'user default off',
      // What README "Redis in production" recommends: the prefix's keys and channels, no dangerous commands
      // but INFO (ioredis' ready check, BullMQ's version check).
      `user rollback-bot on >${PASSWORD} ~tls-test:* &tls-test:* +@all -@dangerous +info`,
      'save ""',
      'appendonly no',
    ];
    await writeFile(join(dir, 'redis.conf'), `${config.join('\n')}\n`);
    server = execa('redis-server', [join(dir, 'redis.conf')], { reject: false, stdio: 'ignore' });
    for (let i = 0; i < 100 && (await failureOf(env())) !== ''; i++) await sleep(50);
  }, 30_000);
  afterAll(async () => {
    server?.kill('SIGKILL');
    await server;
    await rm(dir, { recursive: true, force: true });
  });

  it('commands, subscribers and BullMQ all connect with the CA, the server name and the ACL user', async () => {
    const connections = factoryFor(env());
    try {
      await connections.assertAnswers();
      const redis = connections.command();
      await redis.set('tls-test:k', 'v');
      expect(await redis.get('tls-test:k')).toBe('v');

      const subscriber = connections.subscriber();
      const heard = new Promise<string>((resolve) =>
        subscriber.on('message', (_c: string, m: string) => resolve(m)),
      );
      await subscriber.subscribe('tls-test:channel');
      await redis.publish('tls-test:channel', 'hello');
      expect(await heard).toBe('hello');

      const queue = new Queue('tls', {
        connection: connections.bullmqConnection(),
        prefix: `${connections.keyPrefix}:bull`,
      });
      try {
        await queue.add('job', { n: 1 });
        expect(await queue.getWaitingCount()).toBe(1);
      } finally {
        await queue.close();
      }
    } finally {
      await connections.close();
    }
  });

  it('without the CA file the server certificate is refused', async () => {
    const { REDIS_TLS_CA_FILE: _ca, ...rest } = env();
    expect(await failureOf(rest)).toMatch(/^Could not reach Redis at 127\.0\.0\.1:\d+: .*certificate/i);
  });

  it('without the server name the certificate (for redis.internal) does not match 127.0.0.1', async () => {
    const { REDIS_TLS_SERVERNAME: _name, ...rest } = env();
    expect(await failureOf(rest)).toMatch(/redis\.internal|altnames|does not match/i);
  });

  it('a wrong password is refused, and no message repeats either password', async () => {
    const failure = await failureOf({ ...env(), REDIS_PASSWORD: 'wrong-s3cret' });
    expect(failure).toMatch(/WRONGPASS|invalid username-password/i);
    expect(failure).not.toMatch(/s3cret/);
  });

  it('REDIS_USERNAME/REDIS_PASSWORD win over the URL user info', async () => {
    const url = `rediss://someone:other-password@127.0.0.1:${port}`;
    expect(await failureOf({ ...env(), REDIS_URL: url })).toBe('');
  });
});
