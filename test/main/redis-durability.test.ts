import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadAppConfig } from '../../src/main/app-config.js';
import { startBot } from '../../src/main/start-bot.js';
import { createLogger } from '../../src/observability/logger.js';
import { kaizenService } from '../support/kaizen-service.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

function capturedLogger(): { log: ReturnType<typeof createLogger>; lines: () => string } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines: () => text };
}

describe('what the bot says about a Redis that may lose its data', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let dir: string;
  const env = (extra: Record<string, string> = {}) =>
    loadAppConfig({
      REDIS_URL: redis.url,
      SERVICES_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'web',
      ...extra,
    });

  beforeAll(async () => {
    redis = await startPrivateRedis(); // no AOF, no RDB save points
    admin = new Redis(redis.url);
    dir = await mkdtemp(join(tmpdir(), 'rollback-durable-'));
    await writeFile(join(dir, 'kaizen.yaml'), stringify(kaizenService()));
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start under REDIS_REQUIRE_DURABLE=true, naming what is wrong and what to do', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const failure = await startBot(env({ REDIS_REQUIRE_DURABLE: 'true' }), {
      log: capturedLogger().log,
    }).then(
      (bot) => bot.close().then(() => undefined),
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/maxmemory-policy is allkeys-lru, not noeviction/);
    expect(failure?.message).toMatch(/persistence is off/);
    expect(failure?.message).toMatch(/docs\/redis\.md/);
  });

  it('starts with a warning by default, and says nothing once Redis persists and never evicts', async () => {
    const warned = capturedLogger();
    const bot = await startBot(env(), { log: warned.log });
    await bot.close();
    expect(warned.lines()).toMatch(/"code":"redis_not_durable"/);

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    // RDB save points count as persistence (and, unlike AOF, write no file in the working directory now).
    await admin.config('SET', 'save', '3600 1');
    const quiet = capturedLogger();
    const durable = await startBot(env({ REDIS_REQUIRE_DURABLE: 'true' }), { log: quiet.log });
    await durable.close();
    expect(quiet.lines()).not.toMatch(/redis_not_durable/);
    await admin.config('SET', 'save', '');
  });
});
