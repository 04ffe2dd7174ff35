import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type { RedisKeys } from '../../queue/redis-keys.js';
import type { SnapshotSurface } from '../../queue/render-queue.js';
import { renderChecklists, renderDetail, renderStatusMessage } from '../../render/slack/index.js';
import { PermanentError, RetryableError } from '../../rollback/errors.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { RedisClient } from '../../queue/redis-client.js';

const LOCK_MS = 60_000;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Slack errors that retrying cannot fix. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
]);

export interface SlackStatusSyncOptions {
  client: webApi.WebClient;
  redis: RedisClient;
  keys: RedisKeys;
  progress: ProgressStore;
  index: RollbackIndex;
  catalog: ServiceCatalog;
  reportUrl?: (jobId: string) => string | undefined;
}

/**
 * Draws the latest snapshot of a rollback in Slack: posts the status message once, then updates it in
 * place; posts each detail line once in its thread, and the checklists once at the end. What was drawn
 * is remembered in Redis, so running it again (a retry, a duplicate render job) changes nothing.
 */
export class SlackStatusSync implements SnapshotSurface {
  readonly name = 'slack';

  constructor(private readonly options: SlackStatusSyncOptions) {}

  async sync(jobId: string): Promise<void> {
    const { redis, keys } = this.options;
    const lockKey = `${keys.slackBinding(jobId)}:lock`;
    const token = randomUUID();
    const locked = await redis.set(lockKey, token, 'PX', LOCK_MS, 'NX');
    if (locked !== 'OK')
      throw new RetryableError('render_busy', 'another render of this rollback is running');
    try {
      // Draw until Slack shows the newest snapshot: renders that found the lock taken leave it to us. The
      // lock is extended every round, so a slow Slack never lets a second render in to post twice.
      for (let round = 0; round < 10 && (await this.drawLatest(jobId)); round++) {
        if ((await redis.eval(EXTEND, 1, lockKey, token, String(LOCK_MS))) !== 1) break;
      }
    } finally {
      await releaseLock(redis, lockKey, token);
    }
  }

  /** Draws the latest snapshot; true when a newer snapshot arrived meanwhile and another round is due. */
  private async drawLatest(jobId: string): Promise<boolean> {
    const { redis, keys, client } = this.options;
    const snapshot = await this.options.progress.get(jobId);
    if (!snapshot) return false;
    const bindingKey = keys.slackBinding(jobId);
    const binding = await redis.hgetall(bindingKey);
    const channel = binding.channel ?? (await this.channelFor(jobId, snapshot.service));
    const reportUrl = this.options.reportUrl?.(jobId);
    const message = renderStatusMessage(snapshot, reportUrl ? { reportUrl } : {});
    let ts = binding.ts;
    if (!ts) {
      const posted = await call(() =>
        client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never }),
      );
      ts = String(posted.ts);
      await redis.hset(bindingKey, {
        channel: String(posted.channel ?? channel),
        ts,
        renderedVersion: snapshot.version,
      });
      await redis.expire(bindingKey, 30 * 24 * 3600);
    } else if (Number(binding.renderedVersion ?? 0) < snapshot.version) {
      await call(() =>
        client.chat.update({
          channel,
          ts: ts as string,
          text: message.text,
          blocks: message.blocks as never,
        }),
      );
      await redis.hset(bindingKey, 'renderedVersion', snapshot.version);
    }
    const postedChannel = (await redis.hget(bindingKey, 'channel')) ?? channel;

    let detailsPosted = Number(binding.detailsPosted ?? 0);
    for (const entry of snapshot.details.slice(detailsPosted)) {
      const title = snapshot.steps.find((s) => s.id === entry.stepId)?.title ?? entry.stepId;
      await call(() =>
        client.chat.postMessage({ channel: postedChannel, thread_ts: ts, text: renderDetail(entry, title) }),
      );
      detailsPosted += 1;
      await redis.hset(bindingKey, 'detailsPosted', detailsPosted);
    }

    const finished =
      snapshot.state === 'succeeded' || snapshot.state === 'failed' || snapshot.state === 'cancelled';
    if (finished && snapshot.checklists.length > 0 && binding.checklistsPosted !== '1') {
      const lists = renderChecklists(snapshot.checklists);
      await call(() =>
        client.chat.postMessage({
          channel: postedChannel,
          thread_ts: ts,
          text: lists.text,
          blocks: lists.blocks as never,
        }),
      );
      await redis.hset(bindingKey, 'checklistsPosted', '1');
    }
    const latest = await this.options.progress.get(jobId);
    return latest !== undefined && latest.version > snapshot.version;
  }

  private async channelFor(jobId: string, serviceName: string): Promise<string> {
    const plan = await this.options.index.plan(jobId);
    const fromRequest = plan?.request.channel;
    if (fromRequest) return fromRequest;
    const service = this.options.catalog.get(serviceName);
    if (!service)
      throw new PermanentError('unknown_service', `service ${serviceName} is no longer in the catalog`);
    return service.channel;
  }
}

/** Runs a Web API call, turning Slack's answers into retryable or permanent errors. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const data = (error as { data?: { error?: string }; code?: string }).data;
    const slackError = data?.error;
    if (slackError && PERMANENT_SLACK_ERRORS.has(slackError)) {
      throw new PermanentError('slack_rejected', `Slack refused the message: ${slackError}`, {
        cause: error,
      });
    }
    throw new RetryableError(
      'slack_unavailable',
      `Slack did not take the message: ${slackError ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Releases the render lock, trying again for a few seconds: a release lost while Redis fails over would
 * otherwise hold every later render of this rollback back until the lock expires (LOCK_MS).
 */
async function releaseLock(redis: RedisClient, lockKey: string, token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.eval(RELEASE, 1, lockKey, token);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(250 * 2 ** attempt);
    }
  }
}
