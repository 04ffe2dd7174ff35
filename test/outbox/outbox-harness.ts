import { Redis } from 'ioredis';
import { silentLogger } from '../../src/observability/logger.js';
import { BullmqNotificationOutbox } from '../../src/outbox/bullmq-notification-outbox.js';
import type { Deliverers } from '../../src/outbox/deliverer.js';
import { startOutboxWorker } from '../../src/outbox/outbox-worker.js';
import type { OutboxPolicy } from '../../src/outbox/outbox-policy.js';
import type { Notification } from '../../src/rollback/ports/notification-outbox.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../support/redis-test-prefix.js';

/** Fast retries for tests: the policy's shape, milliseconds instead of minutes. */
export const FAST_POLICY: Partial<OutboxPolicy> = {
  attempts: 50,
  baseDelayMs: 20,
  maxDelayMs: 100,
  orderPollMs: 30,
};

export interface OutboxHarness {
  prefix: string;
  redis: Redis;
  outbox: BullmqNotificationOutbox;
  startWorker(deliverers: Deliverers, policy?: Partial<OutboxPolicy>): void;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** An outbox and (on demand) its worker on the shared test Redis, under a prefix of their own. */
export function outboxHarness(name: string, policy: Partial<OutboxPolicy> = FAST_POLICY): OutboxHarness {
  const prefix = testPrefix(name);
  const redis = new Redis(TEST_REDIS_URL);
  const connection = { host: '127.0.0.1', port: 6379 };
  const outbox = new BullmqNotificationOutbox({ connection, redis, prefix, policy });
  let worker: ReturnType<typeof startOutboxWorker> | undefined;
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };
  return {
    prefix,
    redis,
    outbox,
    startWorker: (deliverers, workerPolicy = policy) => {
      worker = startOutboxWorker({
        connection,
        redis,
        prefix,
        deliverers,
        log: silentLogger(),
        policy: workerPolicy,
      });
    },
    stopWorker,
    close: async () => {
      await stopWorker();
      await outbox.close();
      await deletePrefix(prefix);
      redis.disconnect();
    },
  };
}

export function note(
  jobId: string,
  incidentId: string,
  milestone: string,
  text = `rollback ${milestone}`,
): Notification {
  return {
    id: `${jobId}:note:${milestone}`,
    channel: 'pagerduty-note',
    jobId,
    label: `PagerDuty note: ${milestone}`,
    payload: { incidentId, text },
  };
}
