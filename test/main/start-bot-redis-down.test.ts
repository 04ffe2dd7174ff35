import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/main/app-config.js';
import { startBot } from '../../src/main/start-bot.js';
import { silentLogger } from '../../src/observability/logger.js';
import { kaizenService } from '../support/kaizen-service.js';

describe('starting the bot while Redis is down', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollback-redis-down-'));
    await writeFile(join(dir, 'kaizen.yaml'), stringify(kaizenService()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails at once with where Redis was expected and what to do, instead of hanging', async () => {
    const config = loadAppConfig({
      REDIS_URL: 'redis://:s3cret-password@127.0.0.1:1',
      SERVICES_DIR: dir,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const started = Date.now();
    const failure = await startBot(config, { log: silentLogger() }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failure?.message).toMatch(/^Could not reach Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(failure?.message).toContain('Check REDIS_URL');
    expect(failure?.message).not.toContain('s3cret-password');
  });
});
