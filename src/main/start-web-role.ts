import { randomBytes } from 'node:crypto';
import { EvidenceAttachments } from '../evidence/thread-attachments.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { consoleRoutes } from '../transport/console/console-routes.js';
import { apiRoutes } from '../transport/http/api-routes.js';
import { queueDashboard } from '../transport/http/queue-dashboard.js';
import { createHttpServer } from '../transport/http/create-http-server.js';
import { consoleReportLinks, reportLinks } from '../transport/http/report-link.js';
import { reportRoutes } from '../transport/http/report-routes.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';
import type { RoleHandle } from './role-handle.js';
import { startSlack } from './start-slack.js';
import { pagerDutyTracker, startPagerDutyInbound } from './start-pagerduty.js';
import { buildNotifications, type Notifications } from './start-notifications.js';
import { startStatusRendering } from '../queue/start-status-rendering.js';
import type { OutboxPolicy } from '../outbox/outbox-policy.js';
import type { ReplyBackoff } from '../queue/slack-reply-queue.js';
import type { SlackRateLimits } from '../stores/redis-slack-rate-limiter.js';
import { SiteWaitWatcher } from '../queue/site-wait-watcher.js';
import { siteSettings } from './site-settings.js';
import { httpGuards } from './http-settings.js';
import { redisReadiness } from './redis-readiness.js';

const LOCAL_HOSTS = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'];

export interface WebRole extends RoleHandle {
  http: FastifyInstance;
  /** Where the server answers (http://127.0.0.1:<port>). */
  url: string | undefined;
}

/**
 * The web role: the HTTP server (health, reports, API) with Slack when it is configured, else the local
 * web console as the chat surface (same handler, queue and snapshots), and the approval expiry timer.
 */
export async function startWebRole(
  config: AppConfig,
  core: RollbackCore,
  deps: {
    log: Logger;
    metrics: Metrics;
    slackRetries?: number;
    replyBackoff?: Partial<ReplyBackoff>;
    outboxPolicy?: Partial<OutboxPolicy>;
    slackRateLimits?: SlackRateLimits;
    inboundMaxDeferMs?: number;
  },
): Promise<WebRole> {
  const { log } = deps;
  const reportUrl = reportLinks(config.publicUrl, config.reportSigningKey);
  const tracker = pagerDutyTracker(config.pagerDuty);
  const notifications = buildNotifications(config, core, {
    log,
    tracker,
    reportUrl,
    slack: config.slack !== undefined,
    outboxPolicy: deps.outboxPolicy,
  });
  const attachments = threadAttachments(config, core, reportUrl);
  const slack = config.slack
    ? await startSlack(config.slack, {
        core,
        log,
        reportUrl,
        surfaces: [notifications.notifier],
        ...(attachments ? { attachments } : {}),
        ...(deps.slackRetries === undefined ? {} : { slackRetries: deps.slackRetries }),
        ...(deps.replyBackoff ? { replyBackoff: deps.replyBackoff } : {}),
        ...(deps.slackRateLimits ? { slackRateLimits: deps.slackRateLimits } : {}),
      })
    : undefined;
  // Without Slack the notifier still needs the render queue to see every snapshot.
  const rendering = slack ? undefined : await startNotifierRendering(core, notifications, log);
  const delivery = notifications.start(slack?.client);
  const pagerDuty = startPagerDutyInbound(config.pagerDuty, core, {
    log,
    metrics: deps.metrics,
    slackClient: slack?.client,
    tracker,
    reportUrl,
    ...(deps.inboundMaxDeferMs === undefined ? {} : { maxDeferMs: deps.inboundMaxDeferMs }),
  });
  const http = await createHttpServer({
    log,
    metrics: deps.metrics,
    ...(slack ? { slackReceiver: slack.receiver } : {}),
    readiness: redisReadiness(core),
    ...httpGuards(config),
    plugins: [pagerDuty.routes, ...httpPlugins(config, core, notifications, log)],
    rawRoutes: pagerDuty.rawRoutes,
  });
  if (!slack) await http.register(consolePlugin(config, core, log));
  const { expiry, waits } = startWebTimers(config, core, log);
  await http.listen({ port: config.port, host: config.host });
  return {
    http,
    url: announceListening(config, http, core, log),
    workers: [expiry, pagerDuty.worker, ...delivery.workers],
    closers: [
      () => waits.stop(),
      () => pagerDuty.close(),
      ...(rendering ? [() => rendering.close()] : []),
      ...delivery.closers,
      ...(slack ? [() => slack.rendering.close(), () => slack.close()] : []),
    ],
  };
}

/** The web role's routes besides Slack and PagerDuty: report pages, the API and the queue dashboard. */
function httpPlugins(config: AppConfig, core: RollbackCore, notifications: Notifications, log: Logger) {
  return [
    reportRoutes({
      progress: core.progress,
      index: core.index,
      audit: core.audit,
      catalog: core.catalog,
      access: { token: config.reportToken, signingKey: config.reportSigningKey },
      notifications: notifications.outbox,
      log: log.child({ component: 'report' }),
      ...(core.evidence ? { evidence: core.evidence.store } : {}),
      ticking: { checklists: core.checklists, formKey: checklistFormKey(config) },
    }),
    apiRoutes({
      rollbacks: core.rollbacks,
      audit: core.audit,
      token: config.apiToken,
      snapshots: core.snapshots,
    }),
    queueDashboard({
      queues: () => core.rollbackQueue.sites().map((site) => core.rollbackQueue.of(site)),
      token: config.apiToken,
    }),
  ];
}

/**
 * The key of the report page's checklist-form tokens: a secret every web process of the installation
 * shares (the signing key, else the report token), else one of this process (local mode: one process).
 */
function checklistFormKey(config: AppConfig): string {
  return config.reportSigningKey ?? config.reportToken ?? randomBytes(32).toString('hex');
}

/** Expires plans nobody approved in time, and keeps jobs whose site has no live worker saying so. */
function startWebTimers(config: AppConfig, core: RollbackCore, log: Logger) {
  // A delayed job each; whichever web process is up runs it.
  const { approvals, approvalExpiry } = core.governance;
  const expiry = approvalExpiry.startWorker(
    core.connection,
    (jobId) => approvals.expire(jobId),
    log.child({ component: 'approvals' }),
  );
  const waits = new SiteWaitWatcher({
    queues: core.rollbackQueue,
    presence: core.heartbeats,
    progress: core.progress,
    sites: core.sites,
    intervalMs: siteSettings(config.sites).siteCheckIntervalMs,
    log: log.child({ component: 'site-waits' }),
  });
  waits.start();
  return { expiry, waits };
}

/** Local mode: the render queue draws no Slack message, but the notifier still follows every snapshot. */
function startNotifierRendering(core: RollbackCore, notifications: Notifications, log: Logger) {
  return startStatusRendering({
    connection: core.connection,
    subscriber: () => core.connections.subscriber(),
    keys: core.keys,
    progress: core.progress,
    surfaces: [notifications.notifier],
    log,
  });
}

/** Local mode (no Slack token): the web console at `/`, answering only on its own host names. */
function consolePlugin(config: AppConfig, core: RollbackCore, log: Logger) {
  return consoleRoutes({
    commands: core.commands,
    rollbacks: core.rollbacks,
    approvals: core.governance.approvals,
    checklists: core.checklists,
    catalog: core.catalog,
    subscriber: () => core.connections.subscriber(),
    keys: core.keys,
    log: log.child({ component: 'console' }),
    reportUrl: consoleReportLinks(config.publicUrl, config.reportSigningKey),
  });
}

/** Logs where the bot listens (and, in local mode, where to open the console); returns the URL. */
function announceListening(
  config: AppConfig,
  http: FastifyInstance,
  core: RollbackCore,
  log: Logger,
): string | undefined {
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : undefined;
  const url = port === undefined ? undefined : `http://127.0.0.1:${port}`;
  log.info({ url, services: core.catalog.names() }, 'rollback-bot is listening');
  if (!config.slack && port !== undefined) {
    const host = LOCAL_HOSTS.includes(config.host) ? 'localhost' : config.host;
    const consoleUrl = `http://${host}:${port}/`;
    log.info(
      { console: consoleUrl },
      `Local mode (SLACK_BOT_TOKEN is not set): open the web console at ${consoleUrl} to type /rollback commands. ` +
        'To connect Slack instead, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see .env.example and manifests/slack-app-manifest.yaml).',
    );
  }
  return url;
}

/** Evidence and the post-mortem draft for the Slack thread; none when EVIDENCE_SLACK_MAX_BYTES is 0. */
function threadAttachments(
  config: AppConfig,
  core: RollbackCore,
  reportUrl: (jobId: string) => string | undefined,
): EvidenceAttachments | undefined {
  const maxBytes = config.evidenceSlackMaxBytes ?? 2 * 1024 * 1024;
  if (maxBytes === 0) return undefined;
  return new EvidenceAttachments({
    progress: core.progress,
    audit: core.audit,
    plans: core.index,
    ...(core.evidence ? { store: core.evidence.store } : {}),
    maxBytes,
    reportUrl,
  });
}
