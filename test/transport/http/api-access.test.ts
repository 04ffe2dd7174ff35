import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { RedisAuditLog } from '../../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import type { RollbackService } from '../../../src/rollback/rollback-service.js';
import { apiRoutes } from '../../../src/transport/http/api-routes.js';
import { createHttpServer } from '../../../src/transport/http/create-http-server.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';

const prefix = testPrefix('api');
const redis = new Redis(TEST_REDIS_URL);
const audit = new RedisAuditLog(redis, new RedisKeys(prefix));
let server: FastifyInstance;
let base: string;

beforeAll(async () => {
  await audit.append({
    type: 'requested',
    actor: { id: 'U1', name: 'alice', source: 'slack' },
    service: 'kaizen',
  });
  server = await createHttpServer({
    log: silentLogger(),
    readiness: [],
    // Without API_TOKEN; the audit route never needs the rollback service.
    plugins: [apiRoutes({ rollbacks: {} as RollbackService, audit, token: undefined })],
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await deletePrefix(prefix);
  redis.disconnect();
});

describe('/api without API_TOKEN', () => {
  it('answers this machine', async () => {
    const response = await fetch(`${base}/api/audit?limit=5`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { entries: { actor: { name: string } }[] };
    expect(body.entries[0]?.actor.name).toBe('alice');
  });

  it('refuses what a proxy on this machine relays from elsewhere', async () => {
    for (const header of ['x-forwarded-for', 'x-real-ip', 'forwarded']) {
      const response = await fetch(`${base}/api/audit`, { headers: { [header]: '203.0.113.7' } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { message: string }).message).toMatch(
        /localhost only until API_TOKEN/,
      );
    }
  });
});
