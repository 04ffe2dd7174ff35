import { describe, expect, it } from 'vitest';
import { ConfigError, loadAppConfig } from '../../src/main/app-config.js';
import { RedisConnectionFactory } from '../../src/main/redis-connection-factory.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
}

describe('Redis configuration beyond REDIS_URL', () => {
  it('REDIS_URL alone configures one node, as before (no extra settings)', () => {
    const config = loadAppConfig({ REDIS_URL: 'redis://redis.internal:6380/2' });
    expect(config.redisUrl).toBe('redis://redis.internal:6380/2');
    expect(config.redis).toBeUndefined();
    expect(new RedisConnectionFactory({ url: config.redisUrl, prefix: 'rb' }).where()).toBe(
      'redis.internal:6380',
    );
  });

  it('reads Sentinel addresses (default port 26379, IPv6 in brackets), the primary name and its password', () => {
    const config = loadAppConfig({
      REDIS_SENTINELS: 'sentinel-0.redis:26380, sentinel-1.redis,[fd00::5]:26381',
      REDIS_SENTINEL_NAME: 'rollback',
      REDIS_SENTINEL_PASSWORD: 'sentinel-s3cret',
      REDIS_USERNAME: 'rollback-bot',
      REDIS_PASSWORD: 'data-s3cret',
    });
    expect(config.redis).toEqual({
      sentinel: {
        sentinels: [
          { host: 'sentinel-0.redis', port: 26380 },
          { host: 'sentinel-1.redis', port: 26379 },
          { host: 'fd00::5', port: 26381 },
        ],
        name: 'rollback',
        password: 'sentinel-s3cret',
      },
      username: 'rollback-bot',
      password: 'data-s3cret',
    });
    const factory = new RedisConnectionFactory({
      url: config.redisUrl,
      settings: config.redis,
      prefix: 'rb',
    });
    expect(factory.mode).toBe('sentinel');
    expect(factory.keyPrefix).toBe('rb');
    expect(factory.where()).toBe(
      'primary "rollback" via Sentinel sentinel-0.redis:26380, sentinel-1.redis:26379, [fd00::5]:26381',
    );
  });

  it('the Sentinel primary name defaults to mymaster', () => {
    expect(loadAppConfig({ REDIS_SENTINELS: 'h:26379' }).redis?.sentinel?.name).toBe('mymaster');
  });

  it('Cluster mode puts every key under the hash tag {REDIS_PREFIX}', () => {
    const config = loadAppConfig({
      REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1:7001',
      REDIS_PREFIX: 'rb-prod',
    });
    expect(config.redis?.cluster?.nodes).toEqual([
      { host: 'redis-0', port: 7000 },
      { host: 'redis-1', port: 7001 },
    ]);
    const factory = new RedisConnectionFactory({
      url: config.redisUrl,
      settings: config.redis,
      prefix: 'rb-prod',
    });
    expect(factory.keyPrefix).toBe('{rb-prod}');
    expect(factory.where()).toBe('Redis Cluster redis-0:7000, redis-1:7001');
  });

  it('refuses contradictions and malformed lists with the variable named', () => {
    expect(problemsOf({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })).toContainEqual(
      expect.stringMatching(/set one of them/),
    );
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'b:2', REDIS_URL: 'redis://h:6379/3' })).toContainEqual(
      expect.stringMatching(/only database 0/),
    );
    expect(problemsOf({ REDIS_SENTINELS: 'a:99999' })).toContainEqual(
      expect.stringMatching(/^REDIS_SENTINELS: "a:99999" is not host:port/),
    );
    expect(problemsOf({ REDIS_SENTINELS: ' , ' })).toContainEqual(expect.stringMatching(/at least one/));
    expect(problemsOf({ REDIS_TLS: 'yes' })).toContainEqual(expect.stringMatching(/^REDIS_TLS/));
  });

  it('TLS is on with rediss://, REDIS_TLS=true, a CA file or a server name; a CA file that cannot be read is named', () => {
    expect(loadAppConfig({ REDIS_TLS: 'true' }).redis?.tls).toEqual({});
    expect(loadAppConfig({ REDIS_TLS_SERVERNAME: 'redis.internal' }).redis?.tls).toEqual({
      servername: 'redis.internal',
    });
    const config = loadAppConfig({ REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' });
    expect(
      () => new RedisConnectionFactory({ url: config.redisUrl, settings: config.redis, prefix: 'rb' }),
    ).toThrow(/REDIS_TLS_CA_FILE: cannot read \/nonexistent\/ca\.pem/);
  });

  it('a Sentinel set-up that does not answer fails start-up at once, naming where, never a password', async () => {
    const config = loadAppConfig({
      REDIS_SENTINELS: '127.0.0.1:1',
      REDIS_SENTINEL_PASSWORD: 'sentinel-s3cret',
      REDIS_PASSWORD: 'data-s3cret',
    });
    const factory = new RedisConnectionFactory({
      url: config.redisUrl,
      settings: config.redis,
      prefix: 'rb',
    });
    const failure = await factory.assertAnswers(2_000).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      /^Could not reach Redis at primary "mymaster" via Sentinel 127\.0\.0\.1:1: .*Check REDIS_SENTINELS, REDIS_SENTINEL_NAME/,
    );
    expect(`${failure?.message} ${JSON.stringify(failure)}`).not.toMatch(/s3cret/);
  });
});
