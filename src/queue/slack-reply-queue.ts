import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { describeError, PermanentError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';

export const REPLY_QUEUE = 'slack-replies';

/** A message for one person: through the request's response_url, else ephemeral in the channel. */
export interface SlackReply {
  responseUrl?: string;
  channel?: string;
  user?: string;
  text: string;
  blocks?: unknown[];
  /** When the request arrived (ms): a response_url works for 30 minutes. */
  requestedAt: number;
}

export interface ReplyBackoff {
  /** First wait after a failed delivery (ms); doubles each attempt. Default 1 s. */
  baseMs: number;
  /** Longest wait between attempts (ms). Default 30 s. */
  maxMs: number;
  /** Attempts in all; the default (70) covers a response_url's 30 minutes. */
  attempts: number;
}

const DEFAULT_BACKOFF: ReplyBackoff = { baseMs: 1_000, maxMs: 30_000, attempts: 70 };

/**
 * What the bot must tell a person after acknowledging their command or click, kept in Redis (BullMQ) until
 * Slack takes it: the acknowledgement never waits on the Web API, and a reply written while Slack is down
 * (HTTP 5xx, 429, connection refused) goes out when it is back, retried with backoff.
 */
export class SlackReplyQueue {
  readonly queue: Queue<SlackReply>;
  private readonly backoff: ReplyBackoff;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    options: { backoff?: Partial<ReplyBackoff>; log?: Logger } = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.queue = new Queue<SlackReply>(REPLY_QUEUE, { connection, prefix: `${prefix}:bull` });
    this.queue.on('error', (error) => options.log?.warn({ err: error }, 'reply queue: Redis error'));
  }

  async send(reply: SlackReply): Promise<void> {
    await this.queue.add('reply', reply, {
      attempts: this.backoff.attempts,
      backoff: { type: 'reply' },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  /** Delivers queued replies; `deliver` throws a PermanentError for a reply no retry can deliver. */
  startWorker(deliver: (reply: SlackReply) => Promise<void>, log: Logger): Worker<SlackReply> {
    const { baseMs, maxMs } = this.backoff;
    const worker = new Worker<SlackReply>(
      REPLY_QUEUE,
      async (job) => {
        try {
          await deliver(job.data);
        } catch (error) {
          log.warn(
            { error: describeError(error), attempt: job.attemptsMade + 1 },
            'could not deliver a reply',
          );
          if (error instanceof PermanentError) throw new UnrecoverableError(describeError(error).message);
          throw error;
        }
      },
      {
        connection: this.connection,
        prefix: `${this.prefix}:bull`,
        concurrency: 8,
        settings: { backoffStrategy: (made: number) => Math.min(maxMs, baseMs * 2 ** Math.max(0, made - 1)) },
      },
    );
    worker.on('error', (error) => log.error({ error: describeError(error) }, 'reply worker error'));
    return worker;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
