import type { webApi } from '@slack/bolt';
import type { Worker } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { BullmqNotificationOutbox } from '../outbox/bullmq-notification-outbox.js';
import type { Deliverers } from '../outbox/deliverer.js';
import { pagerDutyDeliverers } from '../outbox/deliverers/pagerduty-deliverers.js';
import { statusPageDeliverer } from '../outbox/deliverers/status-page-deliverer.js';
import type { OutboxPolicy } from '../outbox/outbox-policy.js';
import { startOutboxWorker } from '../outbox/outbox-worker.js';
import { StallCheckQueue } from '../queue/stall-check-queue.js';
import type { IncidentTracker } from '../rollback/ports/incident-tracker.js';
import { RollbackNotifier } from '../surfaces/notifications/rollback-notifier.js';
import { slackStakeholderDeliverer } from '../surfaces/slack/slack-stakeholder-deliverer.js';
import { StatusPageClient } from '../targets/status-page/status-page-client.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';

export interface Notifications {
  outbox: BullmqNotificationOutbox;
  /** The render queue's surface that enqueues what each rollback's milestones have earned. */
  notifier: RollbackNotifier;
  /** Starts delivering (the outbox worker) and the stall checks; Slack's client when Slack is configured. */
  start(slackClient: webApi.WebClient | undefined): { workers: Worker[]; closers: (() => Promise<void>)[] };
}

/**
 * The notifications around a rollback: the durable outbox (Redis + BullMQ, retried with backoff), the
 * notifier that fills it from snapshots, the deliverers (PagerDuty when PAGERDUTY_API_TOKEN is set, Slack
 * stakeholder channels with Slack, the status page always) and the stall timer.
 */
export function buildNotifications(
  config: AppConfig,
  core: RollbackCore,
  deps: {
    log: Logger;
    tracker: IncidentTracker | undefined;
    reportUrl: (jobId: string) => string | undefined;
    slack: boolean;
    outboxPolicy?: Partial<OutboxPolicy> | undefined;
  },
): Notifications {
  const log = deps.log.child({ component: 'notifications' });
  const settings = config.notifications ?? { stallMinutes: 15, postmortemReminderHours: 24 };
  const outbox = new BullmqNotificationOutbox({
    connection: core.connection,
    redis: core.redis,
    prefix: core.keys.prefix,
    log,
    ...(deps.outboxPolicy ? { policy: deps.outboxPolicy } : {}),
  });
  const stalls = new StallCheckQueue(core.connection, core.keys.prefix, log);
  const notifier = new RollbackNotifier({
    progress: core.progress,
    index: core.index,
    catalog: core.catalog,
    outbox,
    reach: { pagerDuty: deps.tracker !== undefined, slack: deps.slack },
    reportUrl: deps.reportUrl,
    postmortemReminderMs: settings.postmortemReminderHours * 3_600_000,
    stallMs: settings.stallMinutes * 60_000,
    stallTimer: stalls,
    tracker: deps.tracker,
    audit: core.audit,
    log,
  });
  return {
    outbox,
    notifier,
    start(slackClient) {
      const deliverers: Deliverers = {
        ...(deps.tracker ? pagerDutyDeliverers(deps.tracker) : {}),
        ...(slackClient ? { 'slack-stakeholder': slackStakeholderDeliverer(slackClient) } : {}),
        'status-page': statusPageDeliverer(
          new StatusPageClient(),
          (service) => core.catalog.get(service)?.notify?.statusPage,
        ),
      };
      const delivery = startOutboxWorker({
        connection: core.connection,
        redis: core.redis,
        prefix: core.keys.prefix,
        deliverers,
        log,
        ...(deps.outboxPolicy ? { policy: deps.outboxPolicy } : {}),
      });
      const stallWorker = stalls.startWorker(core.connection, (jobId) => notifier.sync(jobId), log);
      return {
        workers: [stallWorker],
        closers: [() => delivery.close(), () => outbox.close(), () => stalls.close()],
      };
    },
  };
}
