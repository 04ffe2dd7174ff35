import type { FakeSlackLimits } from './rate-limits.js';

/** One request the fake received, in arrival order. Failed and retried attempts are recorded too. */
export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or "response_url" / "file_upload" for those URLs. */
  method: string;
  /** The parsed arguments: form, JSON or multipart bodies (plus query string); JSON-valued fields decoded. */
  args: Record<string, unknown>;
  /** The token the caller sent (Authorization header or `token` field), if any. */
  token?: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** For "response_url" calls: the id given to `responseUrl(id)`. */
  responseUrlId?: string;
  /** The HTTP status answered (200 also for `ok: false`), once answered. */
  status?: number;
}

/** Slack unreachable, as `down()` makes it: every request answers this until `up()`. */
export type Outage =
  | { kind: 'http'; status: number }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  /** Connections refused: the server stops listening. */
  | { kind: 'refuse' };

/** A message as the channel shows it now: posted, then edited in place by chat.update. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  user: string;
  bot_id: string;
  thread_ts?: string;
  /** Set once chat.update changed the message. */
  edited?: { user: string; ts: string };
  /** How many times chat.update changed it. */
  updates: number;
  files?: { id: string; name: string; title: string }[];
  /** Message metadata posted with it (`metadata: {event_type, event_payload}`). */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Thread replies, oldest first (empty for replies themselves). */
  replies: FakeMessage[];
}

export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  title?: string;
  /** The uploaded bytes as UTF-8 text, once posted to the upload URL. */
  content?: string;
  /** The uploaded bytes as they arrived (a .tar.gz stays intact). */
  bytes?: Buffer;
  completed: boolean;
  /** Where completeUploadExternal shared it: channel and the thread it went into (files.info `shares`). */
  shares?: { channel: string; ts: string; threadTs?: string }[];
}

export interface FakeUser {
  name: string;
  realName?: string;
  email?: string;
  isBot?: boolean;
}

export interface FakeSlackOptions {
  /** The bot token the fake accepts; anything else gets `invalid_auth`. Default 'xoxb-test'. */
  token?: string;
  /**
   * Channels that exist, id → name. Without it every id shaped like a Slack conversation id
   * (C…, G…, D… in capitals and digits) exists; anything else is `channel_not_found`.
   */
  channels?: Record<string, string>;
  /** Users `users.info` knows by id; other U…/W… ids get a generated name. */
  users?: Record<string, FakeUser>;
  /** Every answer waits this long (ms), as a workspace across the internet does (~150). Default 0. */
  latencyMs?: number;
  /** Rate limits to enforce with 429 and Retry-After (`SLACK_LIMITS`, or `scaledLimits(10)` in tests). */
  limits?: FakeSlackLimits;
}

export interface FakeSlack {
  /** Base URL to give the WebClient as `slackApiUrl`; ends with '/api/'. */
  url: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** A URL on the fake that accepts response_url POSTs (recorded as method 'response_url'). */
  responseUrl(id?: string): string;
  /** The next `times` (default 1) calls to `method` answer `{ok:false, error}`. */
  failNext(method: string, error: string, times?: number): void;
  /** The next `times` calls to `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next `times` calls to `method` answer this HTTP status (500, 503...). */
  failHttpNext(method: string, status: number, times?: number): void;
  /** The channel's current top-level messages, oldest first, with thread replies under each. */
  messages(channel: string): FakeMessage[];
  /** Files requested through files.getUploadURLExternal, with their uploaded content and shares. */
  files(): FakeFile[];
  /**
   * Resolves once `predicate()` is true; rejects after `timeoutMs` listing the calls seen. The default (10 s)
   * is what something that must happen may take on a busy machine: pass a shorter one only to bound a wait.
   */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  setUserGroups(groupId: string, userIds: string[]): void;
  setLatency(ms: number): void;
  /**
   * Runs `hook` (awaited) after a Web API method has acted (a post is in the channel) and before its answer
   * is sent: a test kills the caller there, so the call reached Slack but the caller never heard back.
   * `undefined` removes it.
   */
  onActed(hook: ((call: RecordedCall) => Promise<void> | void) | undefined): void;
  /** Slack is down until `up()`: every request (Web API, response_url) answers the outage. */
  down(outage: Outage): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The fake bot's identity, as auth.test reports it. */
export const FAKE_BOT = {
  userId: 'U0BOTUSER',
  botId: 'B0BOTID',
  appId: 'A0FAKEAPP',
  teamId: 'T0FAKETEAM',
  team: 'Fake Workspace',
  user: 'rollback-bot',
} as const;
