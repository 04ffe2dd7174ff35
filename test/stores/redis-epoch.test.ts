import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { RememberedJobMemory } from '../../src/rollback/remembered-job-memory.js';
import { RedisEpoch } from '../../src/stores/redis-epoch.js';
import { RedisJobMemory } from '../../src/stores/redis-job-memory.js';
import { RedisKeys } from '../../src/stores/redis-keys.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

function memoryLog() {
  const lines: { level: number; msg: string; code?: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string; code?: string });
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('RedisEpoch: whether Redis still holds the bot’s data', () => {
  let redis: PrivateRedis;
  let clients: Redis[];
  const keys = new RedisKeys('epoch-test');
  const client = () => {
    const c = new Redis(redis.url, { commandTimeout: 300, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    redis = await startPrivateRedis();
    clients = [];
  });
  afterEach(async () => {
    redis.thaw();
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  it('sees a FLUSHALL in every process, as a flush (same run_id), and remembers when for later processes', async () => {
    const logged = memoryLog();
    const web = new RedisEpoch(client(), keys, logged.log);
    const worker = new RedisEpoch(client(), keys, logged.log);
    expect(await web.check()).toBeUndefined();
    expect(await worker.check()).toBeUndefined();
    expect(await web.lostAt()).toBeUndefined();

    await client().flushall();
    const seenByWeb = await web.check();
    expect(seenByWeb).toMatchObject({ restarted: false });
    expect(await worker.check()).toMatchObject({ restarted: false });
    expect(await web.check()).toBeUndefined(); // reported once
    const lost = logged.lines.filter((l) => l.code === 'redis_data_lost');
    expect(lost).toHaveLength(2);
    expect(lost[0]?.level).toBe(50);
    // A process started after the loss learns when it was.
    const later = new RedisEpoch(client(), keys, memoryLog().log);
    expect(await later.lostAt()).toEqual(seenByWeb?.at);
  });

  it('tells a restart without persistence (new run_id) from a flush, and a frozen Redis from either', async () => {
    const epoch = new RedisEpoch(client(), keys, memoryLog().log);
    const heard: unknown[] = [];
    epoch.onLoss((loss) => void heard.push(loss));
    await epoch.check();

    redis.freeze();
    expect(await epoch.check()).toBeUndefined();
    redis.thaw();
    expect(await epoch.check()).toBeUndefined();
    expect(heard).toHaveLength(0);

    await redis.stop();
    await redis.start();
    expect(await epoch.check()).toMatchObject({ restarted: true });
    expect(heard).toHaveLength(1);
  });

  it('a running job’s memory answers from the worker’s copy after Redis lost it, and is written back', async () => {
    const redisClient = client();
    const memory = new RememberedJobMemory(new RedisJobMemory(redisClient, keys, 'kaizen-job-1'));
    await memory.set('applied', { revision: 4 });
    await redisClient.flushall();
    const schema = z.object({ revision: z.number() });
    expect(await memory.get('applied', schema)).toEqual({ revision: 4 });
    expect(await new RedisJobMemory(redisClient, keys, 'kaizen-job-1').get('applied', schema)).toEqual({
      revision: 4,
    });
    // A run that never wrote it (a resumed job on another worker) reads the store alone.
    const fresh = new RememberedJobMemory(new RedisJobMemory(redisClient, keys, 'kaizen-job-2'));
    expect(await fresh.get('applied', schema)).toBeUndefined();
  });
});
