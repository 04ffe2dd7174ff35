import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import type { ReplayCache } from '../../stores/replay-cache.js';
import { slackReplayVerdict } from './slack-replay-guard.js';
import { verifySlackSignature } from './verify-slack-signature.js';

export interface HttpAnswer {
  status: number;
  body?: string;
  contentType?: string;
}

/** Slack waits 3 s for an acknowledgement; answer a little before. */
const ACK_TIMEOUT_MS = 2_900;

/**
 * A Bolt receiver that owns no server: the HTTP layer hands it the raw body and headers of
 * `POST /slack/events`; it verifies the signature, parses the body and dispatches it to Bolt, answering
 * with whatever the listener acknowledged.
 */
export class SlackRequestReceiver implements Receiver {
  private app: App | undefined;

  constructor(
    private readonly signingSecret: string,
    private readonly log: Logger,
    /** Without it, a replayed request acts again (tests of the receiver alone). */
    private readonly replays?: ReplayCache,
    /**
     * Called for a request no listener acknowledged (a button of an older message, an action or command
     * the bot does not handle), after it was acknowledged at once: tells whoever clicked, if it can.
     */
    private readonly unhandled?: (body: Record<string, unknown>) => Promise<void>,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<HttpAnswer> {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const check = verifySlackSignature(this.signingSecret, rawBody, {
      signature: header('x-slack-signature'),
      timestamp: header('x-slack-request-timestamp'),
    });
    if (!check.ok) {
      this.log.warn({ reason: check.reason }, 'rejected a Slack request');
      return { status: 401, body: 'invalid request signature' };
    }
    const repeated = await this.repeated(
      rawBody,
      header('x-slack-signature') ?? '',
      header('x-slack-retry-num'),
    );
    if (repeated) return repeated;
    const body = parseSlackBody(rawBody, header('content-type'));
    if (!body) return { status: 400, body: 'malformed body' };
    if (body.type === 'url_verification') {
      return {
        status: 200,
        body: JSON.stringify({ challenge: body.challenge }),
        contentType: 'application/json',
      };
    }
    if (body.ssl_check) return { status: 200 };
    if (!this.app) return { status: 503, body: 'not ready' };

    let settle!: (answer: HttpAnswer) => void;
    const answered = new Promise<HttpAnswer>((resolve) => (settle = resolve));
    let acked = false;
    const timer = setTimeout(() => {
      if (!acked) this.log.error({ command: body.command, type: body.type }, 'no acknowledgement within 3 s');
      settle({ status: 200 });
    }, ACK_TIMEOUT_MS);
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) throw new Error('a Slack request was acknowledged twice');
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === '') settle({ status: 200 });
        else if (typeof response === 'string')
          settle({ status: 200, body: response, contentType: 'text/plain' });
        else settle({ status: 200, body: JSON.stringify(response), contentType: 'application/json' });
      },
    };
    const retryNum = header('x-slack-retry-num');
    if (retryNum !== undefined) event.retryNum = Number(retryNum);
    const retryReason = header('x-slack-retry-reason');
    if (retryReason !== undefined) event.retryReason = retryReason;
    this.app.processEvent(event).then(
      () => {
        // Bolt has run every listener that matched: none acknowledged, so none will. Answer now, not
        // at the timer, and say so to whoever clicked.
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        settle(unhandledAnswer(body));
        this.log.warn({ type: body.type, command: body.command }, 'no listener handled a Slack request');
        void this.unhandled?.(body).catch((error: unknown) =>
          this.log.warn({ err: error }, 'could not answer a request no listener handled'),
        );
      },
      (error: unknown) => {
        this.log.error({ err: error }, 'Slack listener failed');
        if (!acked) {
          acked = true;
          clearTimeout(timer);
          settle({ status: 500 });
        }
      },
    );
    return answered;
  }

  /** The answer to a replay or an already-handled retry (nothing acts again); undefined for a new request. */
  private async repeated(
    rawBody: string,
    signature: string,
    retryNum: string | undefined,
  ): Promise<HttpAnswer | undefined> {
    if (!this.replays) return undefined;
    const verdict = await slackReplayVerdict(this.replays, { rawBody, signature, retryNum }, this.log);
    if (verdict === 'first') return undefined;
    this.log.warn({ verdict, retryNum }, 'a Slack request was received again; not acting on it twice');
    if (verdict === 'retry') return { status: 200 };
    return {
      status: 200,
      body: 'This request was already received; nothing was done again.',
      contentType: 'text/plain',
    };
  }
}

/**
 * The acknowledgement of a request no listener took: a slash command's is shown to its user, so it says
 * what to type instead; other requests (clicks, events) only need the 200, the click gets its answer
 * through its response_url.
 */
function unhandledAnswer(body: Record<string, unknown>): HttpAnswer {
  if (typeof body['command'] !== 'string') return { status: 200 };
  const text = `${body['command']} is not a command this bot handles; nothing was done. Type /rollback help.`;
  return {
    status: 200,
    body: JSON.stringify({ response_type: 'ephemeral', text }),
    contentType: 'application/json',
  };
}

/**
 * The body as Bolt reads it, or undefined when it is not one Bolt could dispatch: not JSON where JSON is
 * due, not an object, or with neither a `command` (slash commands) nor a `type` (events, interactivity).
 * Such a body would otherwise wait for an acknowledgement no listener gives.
 */
function parseSlackBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  let body: unknown;
  try {
    if (contentType?.startsWith('application/json')) body = JSON.parse(raw);
    else {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      body = payload === null ? Object.fromEntries(form.entries()) : JSON.parse(payload);
    }
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  const dispatchable = typeof fields['command'] === 'string' || typeof fields['type'] === 'string';
  return dispatchable || fields['ssl_check'] !== undefined ? fields : undefined;
}
