import { describe, expect, it } from 'vitest';
import { redisOptionsFromUrl } from '../../src/main/redis-connection.js';

describe('redisOptionsFromUrl', () => {
  it('reads host, port, password and db', () => {
    expect(redisOptionsFromUrl('redis://user:p%40ss@redis.internal:6380/2')).toEqual({
      host: 'redis.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
    });
  });

  it('refuses a URL it cannot parse without repeating it (it may hold a password)', () => {
    let message = '';
    try {
      redisOptionsFromUrl('redis://:S3c/ret#x@h:6379');
    } catch (error) {
      message = String(error) + JSON.stringify(error);
    }
    expect(message).toMatch(/REDIS_URL is not a valid URL/);
    expect(message).not.toContain('S3c');
  });
});
