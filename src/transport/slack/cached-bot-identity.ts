import { setTimeout as sleep } from 'node:timers/promises';
import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import { slackErrorCode } from './slack-error-code.js';

/** Who the bot is in its workspace: `auth.test`'s answer, or what the configuration says. */
export interface BotIdentity {
  botUserId?: string;
  botId?: string;
  teamId?: string;
}

export interface CachedBotIdentityOptions {
  botToken: string;
  /** Asks Slack (`auth.test`); called once at start-up, again only while it fails. */
  lookUp: () => Promise<BotIdentity>;
  /** From the configuration (SLACK_BOT_USER_ID): when given, Slack is never asked. */
  configured?: BotIdentity;
  log: Logger;
  /** First wait between failed look-ups (doubles up to a minute). Default 1 s. */
  retryMs?: number;
}

/**
 * The bot's identity, resolved once and kept. Bolt 5's single-token authorization re-runs `auth.test` on
 * every request (its cache is reassigned each time), so every slash command and click waited on the Web
 * API and failed while Slack was down. `authorize` answers from memory instead: the request path never
 * calls Slack. Until the look-up succeeds the bot still works (commands and buttons need only the token).
 */
export class CachedBotIdentity {
  private identity: BotIdentity;
  private stopped = false;

  constructor(private readonly options: CachedBotIdentityOptions) {
    this.identity = { ...options.configured };
  }

  readonly authorize: Authorize<boolean> = (source) => {
    const result: AuthorizeResult = { botToken: this.options.botToken, ...this.identity };
    const teamId = source.teamId ?? this.identity.teamId;
    if (teamId !== undefined) result.teamId = teamId;
    return Promise.resolve(result);
  };

  current(): BotIdentity {
    return { ...this.identity };
  }

  /** Resolves the identity in the background (unless configured), retrying with backoff while Slack fails. */
  start(): Promise<void> {
    if (this.identity.botUserId !== undefined) return Promise.resolve();
    return this.resolve();
  }

  stop(): void {
    this.stopped = true;
  }

  private async resolve(): Promise<void> {
    let wait = this.options.retryMs ?? 1_000;
    while (!this.stopped) {
      try {
        this.identity = { ...(await this.options.lookUp()), ...this.options.configured };
        return;
      } catch (error) {
        this.options.log.warn(
          { code: slackErrorCode(error) },
          'could not ask Slack who the bot is; trying again',
        );
        await sleep(wait);
        wait = Math.min(60_000, wait * 2);
      }
    }
  }
}
