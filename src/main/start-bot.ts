import { App, LogLevel, webApi } from '@slack/bolt';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { CommandHandler } from '../commands/command-handler.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { MetricsProgressStore } from '../rollback/metrics-progress-store.js';
import { followPublishedSnapshots } from '../queue/follow-published-snapshots.js';
import { RenderQueue } from '../queue/render-queue.js';
import { createRollbackWorker } from '../queue/rollback-worker.js';
import { finalChecklists } from '../rollback/final-checklists.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import type { CancelService } from '../rollback/cancel-service.js';
import type { RetryPolicy } from '../rollback/retry-with-backoff.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import { consoleRoutes } from '../transport/console/console-routes.js';
import { createHttpServer } from '../transport/http/create-http-server.js';
import { reportLink } from '../transport/http/report-link.js';
import { reportRoutes } from '../transport/http/report-routes.js';
import { MarkOnSuccessProgressStore } from '../rollback/mark-on-success-progress-store.js';
import { apiRoutes } from '../transport/http/api-routes.js';
import { registerSlackActions } from '../transport/slack/register-slack-actions.js';
import { registerSlackHandlers } from '../transport/slack/register-slack-handlers.js';
import { SlackRequestReceiver } from '../transport/slack/slack-request-receiver.js';
import { SlackStatusSync } from '../transport/slack/slack-status-sync.js';
import { createCommandRunnerFactory } from '../targets/shell/create-command-runner-factory.js';
import type { AppConfig } from './app-config.js';
import { buildRollbackCore } from './build-rollback-core.js';

export interface StartBotOverrides {
  log?: Logger;
  clusterFactory?: KubernetesClusterFactory;
  runnerFactory?: CommandRunnerFactory;
  stepRetry?: RetryPolicy;
  /** Slack Web API retry policy; tests use a short one. */
  slackRetries?: number;
  workerLockDurationMs?: number;
  /** BullMQ stalled-job check interval; tests use a short one to resume a killed worker's job quickly. */
  workerStalledIntervalMs?: number;
}

export interface BotHandle {
  log: Logger;
  url: string | undefined;
  http: FastifyInstance | undefined;
  rollbacks: RollbackService;
  commands: CommandHandler;
  /** `cancel(jobId, actor)`: what `/rollback cancel` and the Cancel button call. */
  cancels: CancelService;
  close(): Promise<void>;
}

/**
 * The composition root: builds every client from the configuration and starts the web role (HTTP,
 * Slack) and/or the worker role (rollback jobs). Nothing below it reads the environment.
 */
export async function startBot(config: AppConfig, overrides: StartBotOverrides = {}): Promise<BotHandle> {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  const core = await buildRollbackCore(config, log, {
    ...(overrides.clusterFactory ? { clusterFactory: overrides.clusterFactory } : {}),
    ...(overrides.runnerFactory ? { runnerFactory: overrides.runnerFactory } : {}),
    ...(overrides.slackRetries === undefined ? {} : { slackRetries: overrides.slackRetries }),
  });
  const { approvals, approvalExpiry, marks } = core.governance;
  const {
    catalog,
    redis,
    connection,
    keys,
    progress,
    locks,
    index,
    rollbackQueue,
    strategies,
    rollbacks,
    commands,
  } = core;
  const metrics = new Metrics();
  const closers: (() => Promise<unknown>)[] = [];
  const workers: Worker[] = [];
  closers.push(() => approvalExpiry.close());

  const reportUrl = (jobId: string) =>
    config.publicUrl ? reportLink(config.publicUrl, jobId, config.reportSigningKey) : undefined;

  let http: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.role !== 'worker') {
    let slackReceiver: SlackRequestReceiver | undefined;
    if (config.slack) {
      slackReceiver = new SlackRequestReceiver(config.slack.signingSecret, log.child({ component: 'slack' }));
      const clientOptions = {
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        retryConfig: { retries: overrides.slackRetries ?? 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
      };
      const slackApp = new App({
        token: config.slack.botToken,
        receiver: slackReceiver,
        tokenVerificationEnabled: false,
        logLevel: LogLevel.WARN,
        clientOptions,
      });
      registerSlackHandlers(slackApp, { commands, log: log.child({ component: 'slack' }), reportUrl });
      registerSlackActions(slackApp, { approvals, commands, log: log.child({ component: 'slack' }) });
      const client = new webApi.WebClient(config.slack.botToken, {
        ...clientOptions,
        logLevel: webApi.LogLevel.ERROR,
      });
      const renderQueue = new RenderQueue(connection, keys.prefix, log);
      const sync = new SlackStatusSync({ client, redis, keys, progress, index, catalog, reportUrl });
      // Snapshots published in this process are queued for drawing directly, without making the publisher
      // (the worker's step loop) wait; the render job id dedupes them against the pub/sub path below.
      progress.onPublished((snapshot) => {
        void renderQueue.request(snapshot.jobId, snapshot.version).catch((error: unknown) => {
          log.warn({ err: error, jobId: snapshot.jobId }, 'could not queue a status render');
        });
      });
      // Snapshots published by worker processes (ROLE=worker) reach this process through Redis pub/sub.
      const unfollow = await followPublishedSnapshots({
        subscriber: () => core.connections.subscriber(),
        keys,
        progress,
        log,
        onSnapshot: (snapshot) => renderQueue.request(snapshot.jobId, snapshot.version),
      });
      closers.push(unfollow);
      workers.push(renderQueue.startWorker(connection, [sync], log.child({ component: 'render' })));
      closers.push(() => renderQueue.close());
    }
    http = await createHttpServer({
      log,
      metrics,
      ...(slackReceiver ? { slackReceiver } : {}),
      readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
      plugins: [
        reportRoutes({
          progress,
          index,
          audit: core.audit,
          catalog,
          access: { token: config.reportToken, signingKey: config.reportSigningKey },
          log: log.child({ component: 'report' }),
        }),
        apiRoutes({ rollbacks, audit: core.audit, token: config.apiToken }),
      ],
    });
    if (!config.slack) {
      // Local mode: no Slack token, so the web console at / is the chat surface (same handler, queue, snapshots).
      const consoleLog = log.child({ component: 'console' });
      // Report pages answer localhost without a token, so the console links them relatively when PUBLIC_URL is unset.
      const consoleReportUrl = (jobId: string) =>
        reportUrl(jobId) ?? `/rollbacks/${encodeURIComponent(jobId)}`;
      await http.register(
        consoleRoutes({
          commands,
          rollbacks,
          approvals,
          catalog,
          subscriber: () => core.connections.subscriber(),
          keys,
          log: consoleLog,
          reportUrl: consoleReportUrl,
          allowedHosts: [
            ...(['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(config.host)
              ? []
              : [config.host]),
            ...(config.publicUrl ? [new URL(config.publicUrl).hostname] : []),
          ],
        }),
      );
    }
    // Expires plans nobody approved in time (a delayed job each; whichever web process is up runs it).
    workers.push(
      approvalExpiry.startWorker(
        connection,
        (jobId) => approvals.expire(jobId),
        log.child({ component: 'approvals' }),
      ),
    );
    await http.listen({ port: config.port, host: config.host });
    const address = http.server.address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : undefined;
    log.info({ url, services: catalog.names() }, 'rollback-bot is listening');
    if (!config.slack && typeof address === 'object' && address) {
      const consoleUrl = `http://${['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host}:${address.port}/`;
      log.info(
        { console: consoleUrl },
        `Local mode (SLACK_BOT_TOKEN is not set): open the web console at ${consoleUrl} to type /rollback commands. ` +
          'To connect Slack instead, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see .env.example and manifests/slack-app-manifest.yaml).',
      );
    }
  }

  if (config.role !== 'web') {
    await core.cancellation.start();
    closers.push(() => core.cancellation.close());
    const lockDurationMs = overrides.workerLockDurationMs ?? config.workerLockDurationMs;
    const stalledIntervalMs = overrides.workerStalledIntervalMs ?? config.workerStalledIntervalMs;
    workers.push(
      createRollbackWorker({
        connection,
        redis,
        keys,
        catalog,
        strategies,
        progress: new MetricsProgressStore(
          new MarkOnSuccessProgressStore(progress, marks, log.child({ component: 'marks' })),
          metrics,
        ),
        locks,
        log: log.child({ component: 'worker' }),
        concurrency: config.workerConcurrency,
        checklists: finalChecklists,
        ...(overrides.stepRetry ? { stepRetry: overrides.stepRetry } : {}),
        guardRunner: (overrides.runnerFactory ?? createCommandRunnerFactory({ log }))({ name: 'local' }),
        cancellation: core.cancellation,
        audit: core.audit,
        ...(lockDurationMs ? { lockDurationMs } : {}),
        ...(stalledIntervalMs ? { stalledIntervalMs } : {}),
      }),
    );
    log.info({ concurrency: config.workerConcurrency }, 'rollback worker started');
  }

  return {
    log,
    url,
    http,
    rollbacks,
    commands,
    cancels: core.cancels,
    async close() {
      await http?.close();
      await Promise.all(workers.map((w) => w.close()));
      await rollbackQueue.close();
      for (const close of closers) await close();
      await core.connections.close();
    },
  };
}
