import type { ThreadAttachmentSource } from '../evidence/thread-attachments.js';
import { App, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import { SlackReplyQueue, type ReplyBackoff } from '../queue/slack-reply-queue.js';
import { startStatusRendering, type StatusRendering } from '../queue/start-status-rendering.js';
import { RedisReplayCache } from '../stores/redis-replay-cache.js';
import { RedisSlackStatusStore } from '../stores/redis-slack-status-store.js';
import {
  RedisSlackRateLimiter,
  SLACK_RATE_LIMITS,
  type SlackRateLimits,
} from '../stores/redis-slack-rate-limiter.js';
import { slackReplyDeliverer } from '../surfaces/slack/deliver-slack-reply.js';
import { SlackStatusSurface } from '../surfaces/slack/slack-status-surface.js';
import { CachedBotIdentity } from '../transport/slack/cached-bot-identity.js';
import { registerSlackActions } from '../transport/slack/register-slack-actions.js';
import { registerSlackHandlers } from '../transport/slack/register-slack-handlers.js';
import { SlackRequestReceiver } from '../transport/slack/slack-request-receiver.js';
import { answerUnhandledClick } from '../transport/slack/answer-unhandled-click.js';
import type { AppConfig } from './app-config.js';
import type { SnapshotSurface } from '../rollback/ports/snapshot-surface.js';
import type { RollbackCore } from './build-rollback-core.js';

export interface SlackDeps {
  core: RollbackCore;
  log: Logger;
  reportUrl: (jobId: string) => string | undefined;
  /** Drawn before the Slack status message (the notifier only writes to Redis: it never waits on Slack). */
  surfaces?: SnapshotSurface[];
  /** Files a finished rollback attaches to its thread (evidence bundles, the post-mortem draft). */
  attachments?: ThreadAttachmentSource;
  /** Slack Web API retries; tests use a short policy. */
  slackRetries?: number;
  /** How queued replies to people are retried while Slack is down; tests use a short one. */
  replyBackoff?: Partial<ReplyBackoff>;
  /** Slack's rate limits the bot keeps to (default Slack's published ones); tests compress them. */
  slackRateLimits?: SlackRateLimits;
}

export interface Slack {
  /** Verifies and acknowledges Slack's requests (commands, buttons); the HTTP server mounts it. */
  receiver: SlackRequestReceiver;
  /** The Web API client (messages posted on the bot's own account: incident announcements). */
  client: webApi.WebClient;
  /** Draws every published snapshot as a Slack status message. */
  rendering: StatusRendering;
  /** Stops the identity look-up, the reply worker and queue. */
  close(): Promise<void>;
}

/**
 * Slack both ways: commands and buttons in (Bolt over our receiver, authorized from the cached identity so
 * no request waits on the Web API), replies to people through a durable queue, status messages out.
 */
export async function startSlack(slack: NonNullable<AppConfig['slack']>, deps: SlackDeps): Promise<Slack> {
  const { core, reportUrl } = deps;
  const log = deps.log.child({ component: 'slack' });
  const replies = new SlackReplyQueue(core.connection, core.keys.prefix, {
    ...(deps.replyBackoff ? { backoff: deps.replyBackoff } : {}),
    log,
  });
  const receiver = new SlackRequestReceiver(
    slack.signingSecret,
    log,
    new RedisReplayCache(core.redis, core.keys),
    answerUnhandledClick(replies),
  );
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: { retries: deps.slackRetries ?? 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  };
  // Queued work retries on its own: these clients fail fast and never pause on a 429.
  const client = new webApi.WebClient(slack.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });
  const identity = new CachedBotIdentity({
    botToken: slack.botToken,
    lookUp: async () => {
      const auth = await client.auth.test();
      return {
        ...(auth.user_id ? { botUserId: auth.user_id } : {}),
        ...(auth.bot_id ? { botId: auth.bot_id } : {}),
        ...(auth.team_id ? { teamId: auth.team_id } : {}),
      };
    },
    ...(slack.botUserId ? { configured: { botUserId: slack.botUserId } } : {}),
    log,
  });
  void identity.start();
  const app = new App({ authorize: identity.authorize, receiver, logLevel: LogLevel.WARN, clientOptions });
  const replyWorker = replies.startWorker(
    slackReplyDeliverer({ client }),
    log.child({ component: 'replies' }),
  );
  registerSlackHandlers(app, { commands: core.commands, replies, log, reportUrl });
  registerSlackActions(app, {
    approvals: core.governance.approvals,
    commands: core.commands,
    replies,
    log,
    incidentRollbacks: core.incidentRollbacks,
    reportUrl,
    checklists: core.checklists,
  });
  const surface = new SlackStatusSurface({
    client,
    store: new RedisSlackStatusStore(core.redis, core.keys),
    limiter: new RedisSlackRateLimiter(core.redis, core.keys, deps.slackRateLimits ?? SLACK_RATE_LIMITS),
    progress: core.progress,
    index: core.index,
    catalog: core.catalog,
    reportUrl,
    ...(deps.attachments ? { attachments: deps.attachments } : {}),
    dataLoss: core.epoch,
  });
  const rendering = await startStatusRendering({
    connection: core.connection,
    subscriber: () => core.connections.subscriber(),
    keys: core.keys,
    progress: core.progress,
    surfaces: [...(deps.surfaces ?? []), surface],
    log: deps.log,
  });
  return {
    receiver,
    client,
    rendering,
    async close() {
      identity.stop();
      await replyWorker.close();
      await replies.close();
    },
  };
}
