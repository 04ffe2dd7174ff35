import { App, LogLevel, webApi } from '@slack/bolt';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { CommandHandler } from '../commands/command-handler.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { RenderQueue } from '../queue/render-queue.js';
import { createRollbackWorker } from '../queue/rollback-worker.js';
import { finalChecklists } from '../rollback/final-checklists.js';
import type { CommandRunnerFactory } from '../rollback/ports/command-runner.js';
import type { KubernetesClusterFactory } from '../rollback/ports/kubernetes-cluster.js';
import type { RetryPolicy } from '../rollback/retry-with-backoff.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import { createHttpServer } from '../transport/http/create-http-server.js';
import { registerSlackHandlers } from '../transport/slack/register-slack-handlers.js';
import { SlackRequestReceiver } from '../transport/slack/slack-request-receiver.js';
import { SlackStatusSync } from '../transport/slack/slack-status-sync.js';
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
}

export interface BotHandle {
  log: Logger;
  url: string | undefined;
  http: FastifyInstance | undefined;
  rollbacks: RollbackService;
  commands: CommandHandler;
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
  });
  const { catalog, redis, connection, keys, progress, locks, index, rollbackQueue, strategies, rollbacks, commands } = core;
  const closers: (() => Promise<unknown>)[] = [];
  const workers: Worker[] = [];

  const reportUrl = (jobId: string) =>
    config.publicUrl ? new URL(`/rollbacks/${encodeURIComponent(jobId)}`, config.publicUrl).toString() : undefined;

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
      const client = new webApi.WebClient(config.slack.botToken, { ...clientOptions, logLevel: webApi.LogLevel.ERROR });
      const renderQueue = new RenderQueue(connection, config.redisPrefix);
      const sync = new SlackStatusSync({ client, redis, keys, progress, index, catalog, reportUrl });
      progress.onPublished((snapshot) =>
        renderQueue.request(snapshot.jobId, snapshot.version).catch((error: unknown) => {
          log.warn({ err: error, jobId: snapshot.jobId }, 'could not queue a status render');
        }),
      );
      workers.push(renderQueue.startWorker(connection, [sync], log.child({ component: 'render' })));
      closers.push(() => renderQueue.close());
    } else {
      log.warn('SLACK_BOT_TOKEN is not set: Slack is off. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to connect Slack.');
    }
    http = await createHttpServer({
      log,
      ...(slackReceiver ? { slackReceiver } : {}),
      readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
    });
    await http.listen({ port: config.port, host: config.host });
    const address = http.server.address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : undefined;
    log.info({ url, services: catalog.names() }, 'rollback-bot is listening');
  }

  if (config.role !== 'web') {
    workers.push(
      createRollbackWorker({
        connection,
        redis,
        keys,
        catalog,
        strategies,
        progress,
        locks,
        log: log.child({ component: 'worker' }),
        concurrency: config.workerConcurrency,
        checklists: finalChecklists,
        ...(overrides.stepRetry ? { stepRetry: overrides.stepRetry } : {}),
        ...(overrides.workerLockDurationMs ? { lockDurationMs: overrides.workerLockDurationMs } : {}),
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
    async close() {
      await http?.close();
      await Promise.all(workers.map((w) => w.close()));
      await rollbackQueue.close();
      for (const close of closers) await close();
      redis.disconnect();
    },
  };
}
