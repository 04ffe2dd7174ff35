import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { InboundEventQueue, type InboundEvent } from '../queue/inbound-event-queue.js';
import { recentReads } from '../commands/recent-reads.js';
import { handleInline } from '../queue/inbound-inline-handling.js';
import { InboundIntake } from '../queue/inbound-intake.js';
import { InboundStreamDrain } from '../queue/inbound-stream-drain.js';
import { inboundRecord } from '../queue/inbound-stream-fields.js';
import type { SlackMessage } from '../render/slack/block-kit.js';
import type { IncidentTracker } from '../rollback/ports/incident-tracker.js';
import { RedisInboundStream } from '../stores/redis-inbound-stream.js';
import { slackChannelPoster } from '../surfaces/slack/slack-channel-poster.js';
import { PagerDutyRestClient } from '../targets/pagerduty/pagerduty-rest-client.js';
import { pagerDutyEventHandler } from '../transport/pagerduty/handle-pagerduty-event.js';
import { rollbackActionHandler } from '../transport/pagerduty/handle-rollback-action.js';
import {
  pagerDutyRoutes,
  pagerDutyWebhookRoute,
  type PagerDutyRoutesOptions,
} from '../transport/pagerduty/pagerduty-routes.js';
import type { RawJsonRoute } from '../transport/http/raw-json-route.js';
import { slackUserLookup } from '../transport/slack/slack-user-lookup.js';
import type { RollbackCore } from './build-rollback-core.js';
import type { PagerDutySettings } from './pagerduty-settings.js';

/** How long incident announcements on one service share its version listing. */
const BRIEFING_VERSIONS_TTL_MS = 5_000;

/** Webhooks arrived this recently: the handling lets them be answered between two events. */
const INTAKE_BUSY_MS = 100;

/** How long an event whose handling failed waits for its first retry (then BullMQ's exponential backoff). */
const RETRY_DELAY_MS = 1_000;

export interface PagerDutyInbound {
  /** The rollback action route, for the HTTP server. */
  routes: (app: FastifyInstance) => void;
  /** `POST /webhooks/pagerduty`, served before Fastify. */
  rawRoutes: RawJsonRoute[];
  worker: Worker<InboundEvent>;
  close(): Promise<void>;
}

/** The REST client when PAGERDUTY_API_TOKEN is set. */
export function pagerDutyTracker(settings: PagerDutySettings | undefined): IncidentTracker | undefined {
  const api = settings?.api;
  if (!api) return undefined;
  return new PagerDutyRestClient({
    token: api.token,
    fromEmail: api.fromEmail,
    ...(api.apiUrl ? { apiUrl: api.apiUrl } : {}),
    ...(api.rateLimitWaitMs === undefined ? {} : { rateLimitWaitMs: api.rateLimitWaitMs }),
  });
}

/**
 * PagerDuty in: the webhook routes (verify, then dedupe and append to the inbound stream in one script per
 * batch, answer), and the drain that reads the stream and handles the events (announces incidents, reminds
 * of post-mortems, runs rollback actions, posting in Slack; local mode: logged only, there is no channel to
 * post in). An event whose handling fails goes to the BullMQ inbound queue, whose worker retries it.
 */
export function startPagerDutyInbound(
  settings: PagerDutySettings | undefined,
  core: RollbackCore,
  deps: {
    log: Logger;
    metrics?: Metrics;
    slackClient: webApi.WebClient | undefined;
    tracker: IncidentTracker | undefined;
    reportUrl: (jobId: string) => string | undefined;
    /** How long the drain waits for a burst to end (default 5 s). */
    maxDeferMs?: number;
  },
): PagerDutyInbound {
  const log = deps.log.child({ component: 'pagerduty' });
  const queue = new InboundEventQueue({ connection: core.connection, prefix: core.keys.prefix, log });
  const stream = new RedisInboundStream(core.redis, core.keys);
  const intake = new InboundIntake({
    appendMany: (items) =>
      stream.appendMany(
        items.map(({ dedupeKey, event }) => ({ dedupeKey, record: inboundRecord(dedupeKey, event) })),
      ),
  });
  const post = deps.slackClient
    ? slackChannelPoster(deps.slackClient)
    : async (channel: string, message: SlackMessage) =>
        log.info({ channel, text: message.text }, 'no Slack configured: not posted');
  const onEvent = pagerDutyEventHandler({
    catalog: core.catalog,
    briefing: {
      rollbacks: core.rollbacks,
      versions: recentReads((service) => core.rollbacks.versions(service), BRIEFING_VERSIONS_TTL_MS),
      audit: core.audit,
      index: core.index,
      tracker: deps.tracker,
      log,
    },
    incidentRollbacks: core.incidentRollbacks,
    progress: core.progress,
    post,
    log,
  });
  const onAction = rollbackActionHandler({
    catalog: core.catalog,
    commands: core.commands,
    incidentRollbacks: core.incidentRollbacks,
    ...(deps.tracker ? { tracker: deps.tracker } : {}),
    ...(deps.slackClient ? { findSlackUser: slackUserLookup(deps.slackClient) } : {}),
    post,
    reportUrl: deps.reportUrl,
    log,
  });
  const handle = (event: InboundEvent) =>
    event.source === 'pagerduty-event' ? onEvent(event) : onAction(event);
  // Events are handled as the drain reads them; a failed one is retried through the BullMQ queue.
  const worker = queue.startWorker(core.connection, handle, log);
  const drain = new InboundStreamDrain({
    stream,
    reader: core.connections.subscriber(),
    deliver: handleInline({
      handle,
      retryLater: (items) => queue.addMany(items, RETRY_DELAY_MS),
      counted: (outcome, count) => deps.metrics?.inboundEvents.inc({ outcome }, count),
      yieldWhile: () => Date.now() - intake.pressedAt < INTAKE_BUSY_MS,
      log,
    }),
    intakePressedAt: () => intake.pressedAt,
    ...(deps.maxDeferMs === undefined ? {} : { maxDeferMs: deps.maxDeferMs }),
    log,
  });
  drain.start();
  const routeOptions: PagerDutyRoutesOptions = {
    secrets: settings?.webhookSecrets ?? [],
    actionToken: settings?.actionToken,
    intake,
    knowsService: (name) => core.catalog.get(name) !== undefined,
    log,
  };
  return {
    routes: pagerDutyRoutes(routeOptions),
    rawRoutes: [pagerDutyWebhookRoute(routeOptions)],
    worker,
    close: async () => {
      await drain.stop();
      await queue.close();
    },
  };
}
