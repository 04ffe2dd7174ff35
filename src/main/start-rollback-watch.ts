import type { Worker } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { BullmqNotificationOutbox } from '../outbox/bullmq-notification-outbox.js';
import { RollbackWatchQueue } from '../queue/rollback-watch-queue.js';
import { RollbackWatcher } from '../rollback/watch/rollback-watcher.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';

export interface RollbackWatch {
  queue: RollbackWatchQueue;
  /** One worker per served site: a look reads its site's cluster. */
  workers: Worker[];
  /** ROLLBACK_WATCH_MINUTES in ms (0: rollbacks are not watched). */
  windowMs: number;
  /** The outbox the watch notes reverts in (only with PagerDuty's API configured). */
  outbox: BullmqNotificationOutbox | undefined;
}

/**
 * The watch after a successful rollback (ROLLBACK_WATCH_MINUTES, looking every
 * ROLLBACK_WATCH_INTERVAL_SECONDS), run by the worker role: its delayed-job queue and worker, and the
 * outbox a revert is noted in when the rollback answers a PagerDuty incident.
 */
export function startRollbackWatch(
  config: AppConfig,
  core: RollbackCore,
  log: Logger,
  sites: string[],
): RollbackWatch {
  const settings = config.watch ?? { minutes: 15, intervalSeconds: 10 };
  const queue = new RollbackWatchQueue(
    core.connection,
    core.keys.prefix,
    Math.round(settings.intervalSeconds * 1000),
    log,
  );
  const outbox = config.pagerDuty?.api
    ? new BullmqNotificationOutbox({
        connection: core.connection,
        redis: core.redis,
        prefix: core.keys.prefix,
        log,
      })
    : undefined;
  const watcher = new RollbackWatcher({
    index: core.index,
    progress: core.progress,
    clusterFactory: core.clusterFactory,
    audit: core.audit,
    ...(outbox ? { incidentNotes: outbox } : {}),
  });
  const workers = sites.map((site) =>
    queue.startWorker(core.connection, (jobId, until) => watcher.check(jobId, until), log, site),
  );
  return { queue, workers, windowMs: Math.round(settings.minutes * 60_000), outbox };
}
