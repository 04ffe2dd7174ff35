import { createHmac, randomBytes } from 'node:crypto';

/** A request as Slack sends it to the bot: the exact raw body and the headers that sign it. */
export interface SlackRequest {
  headers: Record<string, string>;
  body: string;
}

interface SigningOptions {
  signingSecret: string;
  /** X-Slack-Request-Timestamp in seconds; default now. Use an old one (now - 600) to test replay refusal. */
  timestamp?: number;
  /** Sign with a wrong secret, as a forger would. */
  badSignature?: boolean;
}

interface WorkspaceOptions {
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  responseUrl?: string;
  triggerId?: string;
}

export interface SlashCommandOptions extends SigningOptions, WorkspaceOptions {
  text: string;
  command?: string;
}

export interface BlockAction {
  action_id: string;
  block_id?: string;
  value?: string;
  /** Button label; default the action id. */
  text?: string;
  selected_options?: { text: { type: 'plain_text'; text: string }; value: string }[];
}

export interface BlockActionsOptions extends SigningOptions, WorkspaceOptions {
  actions: BlockAction[];
  /** The ts of the message holding the buttons. */
  messageTs: string;
  messageText?: string;
  messageBlocks?: unknown[];
  stateValues?: Record<string, unknown>;
}

const DEFAULTS = {
  userId: 'U0ALICE',
  userName: 'alice',
  channelId: 'C0DEPLOYS',
  channelName: 'deploys',
  teamId: 'T0FAKETEAM',
  teamDomain: 'fake-workspace',
  apiAppId: 'A0FAKEAPP',
  responseUrl: 'https://hooks.slack.com/commands/T0FAKETEAM/1234567890/abcdefABCDEF',
} satisfies Omit<Required<WorkspaceOptions>, 'triggerId'>;

/** Slack gives every invocation a trigger id of its own, so no two real requests have the same body. */
function freshTriggerId(): string {
  return `${Date.now()}.1234567890.${randomBytes(16).toString('hex')}`;
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<body>`), as in X-Slack-Signature. */
export function signSlackBody(secret: string, body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A signed slash command (`/rollback kaizen v0.7.0`) with the field set Slack sends, in Slack's order. */
export function slashCommandRequest(options: SlashCommandOptions): SlackRequest {
  const o = { ...DEFAULTS, triggerId: freshTriggerId(), ...options };
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: o.teamId,
    team_domain: o.teamDomain,
    channel_id: o.channelId,
    channel_name: o.channelName,
    user_id: o.userId,
    user_name: o.userName,
    command: o.command ?? '/rollback',
    text: o.text,
    api_app_id: o.apiAppId,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId,
  }).toString();
  return signed(body, options);
}

/** A signed interactivity request (a button click): form field `payload=<JSON>` of type block_actions. */
export function blockActionsRequest(options: BlockActionsOptions): SlackRequest {
  const o = { ...DEFAULTS, triggerId: freshTriggerId(), ...options };
  const actionTs = `${Math.floor(Date.now() / 1000)}.000001`;
  const payload = {
    type: 'block_actions',
    user: { id: o.userId, username: o.userName, name: o.userName, team_id: o.teamId },
    api_app_id: o.apiAppId,
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channelId, is_ephemeral: false },
    trigger_id: o.triggerId,
    team: { id: o.teamId, domain: o.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channelId, name: o.channelName },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: o.messageText ?? '',
      ts: o.messageTs,
      bot_id: 'B0BOTID',
      blocks: o.messageBlocks ?? [],
    },
    state: { values: o.stateValues ?? {} },
    response_url: o.responseUrl.replace('/commands/', '/actions/'),
    actions: o.actions.map((a) => ({
      action_id: a.action_id,
      block_id: a.block_id ?? 'actions',
      ...(a.selected_options === undefined
        ? { text: { type: 'plain_text', text: a.text ?? a.action_id, emoji: true }, type: 'button' }
        : { selected_options: a.selected_options, type: 'checkboxes' }),
      ...(a.value === undefined ? {} : { value: a.value }),
      action_ts: actionTs,
    })),
  };
  return signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), options);
}

/** POSTs a signed request to the bot (Bolt's default endpoint is /slack/events) with a real fetch. */
export function postToBot(baseUrl: string, request: SlackRequest, path = '/slack/events'): Promise<Response> {
  return fetch(new URL(path, baseUrl), { method: 'POST', headers: request.headers, body: request.body });
}

function signed(body: string, options: SigningOptions): SlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const secret = options.badSignature === true ? `${options.signingSecret}-forged` : options.signingSecret;
  return {
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': signSlackBody(secret, body, timestamp),
    },
    body,
  };
}
