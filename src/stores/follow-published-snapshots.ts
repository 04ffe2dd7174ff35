import type { Logger } from '../observability/logger.js';
import type { ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisProgressStore } from './redis-progress-store.js';
import type { RedisClient } from './redis-client.js';

/**
 * Calls `onSnapshot` with the latest snapshot of every rollback any process publishes (the store
 * announces each stored snapshot's job id on the progress channel). With ROLE=web and ROLE=worker in
 * separate processes, this is how the web role hears about the workers' progress. Returns the stop.
 */
export async function followPublishedSnapshots(options: {
  /** Opens the subscription's own connection (a subscribed connection can do nothing else). */
  subscriber: () => RedisClient;
  keys: RedisKeys;
  progress: RedisProgressStore;
  log: Logger;
  onSnapshot: (snapshot: ProgressSnapshot) => Promise<void>;
}): Promise<() => Promise<void>> {
  const subscriber = options.subscriber();
  subscriber.on('error', (error: unknown) => options.log.warn({ err: error }, 'progress subscriber error'));
  subscriber.on('message', (_channel: string, jobId: string) => {
    void options.progress
      .get(jobId)
      .then((snapshot) => (snapshot ? options.onSnapshot(snapshot) : undefined))
      .catch((error: unknown) =>
        options.log.warn({ err: error, jobId }, 'could not follow a published snapshot'),
      );
  });
  await subscriber.subscribe(options.keys.progressChannel());
  return async () => {
    await subscriber.quit().catch(() => subscriber.disconnect());
  };
}
