import { App, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import { startStatusRendering, type StatusRendering } from '../queue/start-status-rendering.js';
import { RedisReplayCache } from '../stores/redis-replay-cache.js';
import { RedisSlackStatusStore } from '../stores/redis-slack-status-store.js';
import { SlackStatusSurface } from '../surfaces/slack/slack-status-surface.js';
import { registerSlackActions } from '../transport/slack/register-slack-actions.js';
import { registerSlackHandlers } from '../transport/slack/register-slack-handlers.js';
import { SlackRequestReceiver } from '../transport/slack/slack-request-receiver.js';
import type { AppConfig } from './app-config.js';
import type { RollbackCore } from './build-rollback-core.js';

export interface SlackDeps {
  core: RollbackCore;
  log: Logger;
  reportUrl: (jobId: string) => string | undefined;
  /** Slack Web API retries; tests use a short policy. */
  slackRetries?: number;
}

export interface Slack {
  /** Verifies and acknowledges Slack's requests (commands, buttons); the HTTP server mounts it. */
  receiver: SlackRequestReceiver;
  /** Draws every published snapshot as a Slack status message. */
  rendering: StatusRendering;
}

/** Slack both ways: commands and buttons in (Bolt over our receiver), status messages out. */
export async function startSlack(slack: NonNullable<AppConfig['slack']>, deps: SlackDeps): Promise<Slack> {
  const { core, reportUrl } = deps;
  const log = deps.log.child({ component: 'slack' });
  const receiver = new SlackRequestReceiver(
    slack.signingSecret,
    log,
    new RedisReplayCache(core.redis, core.keys),
  );
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: { retries: deps.slackRetries ?? 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  };
  const app = new App({
    token: slack.botToken,
    receiver,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.WARN,
    clientOptions,
  });
  registerSlackHandlers(app, { commands: core.commands, log, reportUrl });
  registerSlackActions(app, { approvals: core.governance.approvals, commands: core.commands, log });
  const surface = new SlackStatusSurface({
    client: new webApi.WebClient(slack.botToken, { ...clientOptions, logLevel: webApi.LogLevel.ERROR }),
    store: new RedisSlackStatusStore(core.redis, core.keys),
    progress: core.progress,
    index: core.index,
    catalog: core.catalog,
    reportUrl,
  });
  const rendering = await startStatusRendering({
    connection: core.connection,
    subscriber: () => core.connections.subscriber(),
    keys: core.keys,
    progress: core.progress,
    surfaces: [surface],
    log: deps.log,
  });
  return { receiver, rendering };
}
