import { checkBlocks } from './check-blocks.js';
import type { FakeWorkspace, MessageContent } from './fake-workspace.js';
import { FAKE_BOT, type FakeFile, type FakeMessage } from './types.js';

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;
export interface MethodContext {
  workspace: FakeWorkspace;
  /** Origin of the fake ("http://127.0.0.1:1234"), for the upload URLs it hands out. */
  origin: string;
}
export type MethodHandler = (args: Args, context: MethodContext) => Answer;

const fail = (error: string, messages?: string[]): Answer =>
  messages === undefined
    ? { ok: false, error }
    : { ok: false, error, errors: messages, response_metadata: { messages } };
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The Web API methods the fake answers, as Slack does (success shapes and the errors rollback-bot meets). */
export const WEB_API_METHODS: Record<string, MethodHandler> = {
  'auth.test': () => ({
    ok: true,
    url: 'https://fake-workspace.slack.com/',
    team: FAKE_BOT.team,
    user: FAKE_BOT.user,
    team_id: FAKE_BOT.teamId,
    user_id: FAKE_BOT.userId,
    bot_id: FAKE_BOT.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const content = messageContent(args, 'post');
    if ('error' in content) return content;
    const threadTs = str(args.thread_ts);
    const metadata = messageMetadata(args.metadata);
    if (metadata === 'invalid') return fail('invalid_metadata_format');
    const message = workspace.post(channel, { ...(content as MessageContent), ...metadata }, threadTs);
    if (message === undefined) return fail('thread_not_found');
    return { ok: true, channel, ts: message.ts, message: apiMessage(message) };
  },

  'chat.update': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const ts = str(args.ts);
    if (ts === undefined) return fail('invalid_arguments', ['[ERROR] missing required field: ts']);
    const content = messageContent(args, 'update');
    if ('error' in content) return content;
    const message = workspace.find(channel, ts);
    if (message === undefined) return fail('message_not_found');
    workspace.update(
      message,
      typeof args.text === 'string' ? args.text : undefined,
      content.blocks as unknown[] | undefined,
    );
    return { ok: true, channel, ts, text: message.text, message: apiMessage(message) };
  },

  'chat.postEphemeral': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const user = str(args.user);
    if (user === undefined || workspace.user(user) === undefined) return fail('user_not_found');
    const content = messageContent(args, 'post');
    if ('error' in content) return content;
    return { ok: true, message_ts: workspace.nextTs() };
  },

  'conversations.history': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const limit = Math.min(999, Number(args.limit ?? 100) || 100);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const newestFirst = workspace.messages(channel).reverse().slice(0, limit);
    return { ok: true, messages: newestFirst.map((m) => apiMessage(m, withMetadata)), has_more: false };
  },

  'conversations.replies': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const parent = workspace.find(channel, str(args.ts) ?? '');
    if (parent === undefined) return fail('thread_not_found');
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const thread = [parent, ...parent.replies].map((m) => apiMessage(m, withMetadata));
    return { ok: true, messages: thread, has_more: false };
  },

  'conversations.info': (args, { workspace }) => {
    const id = str(args.channel) ?? '';
    if (!workspace.channelExists(id)) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id,
        name: workspace.channelName(id),
        is_channel: id.startsWith('C'),
        is_group: id.startsWith('G'),
        is_im: id.startsWith('D'),
        is_private: id.startsWith('G'),
        is_archived: false,
        is_member: true,
        created: 1_690_000_000,
      },
    };
  },

  'users.lookupByEmail': (args, { workspace }) => {
    const email = (str(args.email) ?? '').toLowerCase();
    const user = workspace.userByEmail(email);
    if (user === undefined) return fail('users_not_found');
    return {
      ok: true,
      user: { id: user.id, team_id: FAKE_BOT.teamId, name: user.name, real_name: user.realName ?? user.name },
    };
  },

  'chat.scheduleMessage': (args, { workspace }) => {
    const channel = str(args.channel) ?? '';
    if (!workspace.channelExists(channel)) return fail('channel_not_found');
    const postAt = Number(args.post_at);
    if (!Number.isInteger(postAt) || postAt <= Date.now() / 1000) return fail('time_in_past');
    if (postAt > Date.now() / 1000 + 120 * 24 * 3600) return fail('time_too_far');
    const content = messageContent(args, 'post');
    if ('error' in content) return content;
    const id = `Q${workspace.nextTs().replace('.', '')}`;
    return { ok: true, channel, scheduled_message_id: id, post_at: postAt };
  },

  'users.info': (args, { workspace }) => {
    const user = workspace.user(str(args.user) ?? '');
    if (user === undefined) return fail('user_not_found');
    const realName = user.realName ?? user.name;
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: FAKE_BOT.teamId,
        name: user.name,
        real_name: realName,
        deleted: false,
        is_bot: user.isBot ?? false,
        tz: 'Europe/London',
        profile: {
          real_name: realName,
          display_name: user.name,
          ...(user.email ? { email: user.email } : {}),
        },
      },
    };
  },

  'usergroups.users.list': (args, { workspace }) => {
    const users = workspace.userGroups.get(str(args.usergroup) ?? '');
    return users === undefined ? fail('no_such_subteam') : { ok: true, users: [...users] };
  },

  'views.open': (args, { workspace }) => {
    if (str(args.trigger_id) === undefined)
      return fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    const view = args.view;
    if (typeof view !== 'object' || view === null)
      return fail('invalid_arguments', ['[ERROR] missing required field: view']);
    const problems = checkBlocks((view as Args).blocks, { maxBlocks: 100 });
    if (problems.length > 0) return fail('invalid_arguments', problems);
    return {
      ok: true,
      view: {
        id: workspace.nextId('V'),
        team_id: FAKE_BOT.teamId,
        state: { values: {} },
        hash: workspace.nextTs(),
        ...view,
      },
    };
  },

  'files.getUploadURLExternal': (args, { workspace, origin }) => {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (filename === undefined || !Number.isInteger(length) || length < 0) {
      return fail('invalid_arguments', ['[ERROR] filename and length are required']);
    }
    const id = workspace.nextId('F');
    workspace.uploads.set(id, { id, filename, length, completed: false });
    return { ok: true, upload_url: `${origin}/upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (args, { workspace }) => {
    const requested = Array.isArray(args.files) ? (args.files as Args[]) : [];
    if (requested.length === 0) return fail('invalid_arguments', ['[ERROR] missing required field: files']);
    const files = [];
    for (const entry of requested) {
      const file = workspace.uploads.get(String(entry.id));
      if (file?.content === undefined) return fail('file_not_found');
      file.completed = true;
      file.title = typeof entry.title === 'string' ? entry.title : file.filename;
      files.push({ id: file.id, name: file.filename, title: file.title });
    }
    const channel = str(args.channel_id);
    if (channel !== undefined) {
      if (!workspace.channelExists(channel)) return fail('channel_not_found');
      const text = typeof args.initial_comment === 'string' ? args.initial_comment : '';
      const threadTs = str(args.thread_ts);
      const shared = workspace.post(channel, { text, files }, threadTs);
      if (shared === undefined) return fail('thread_not_found');
      const share = { channel, ts: shared.ts, ...(shared.thread_ts ? { threadTs: shared.thread_ts } : {}) };
      for (const f of files) {
        const file = workspace.uploads.get(f.id);
        if (file) file.shares = [...(file.shares ?? []), share];
      }
    }
    return { ok: true, files: files.map((f) => ({ ...f, size: workspace.uploads.get(f.id)?.length })) };
  },

  'files.info': (args, { workspace }) => {
    const file = workspace.uploads.get(str(args.file) ?? '');
    if (file === undefined || !file.completed) return fail('file_not_found');
    return { ok: true, file: apiFile(file) };
  },

  'files.list': (args, { workspace }) => {
    const channel = str(args.channel);
    const files = [...workspace.uploads.values()].filter(
      (f) => f.completed && (channel === undefined || (f.shares ?? []).some((s) => s.channel === channel)),
    );
    return {
      ok: true,
      files: files.map(apiFile),
      paging: { count: files.length, total: files.length, page: 1, pages: 1 },
    };
  },
};

/** A file as files.info and files.list answer it: `shares.public[channel]` lists where it was posted. */
function apiFile(file: FakeFile): Answer {
  const shares: Record<string, { ts: string; thread_ts?: string; channel_name: string }[]> = {};
  for (const share of file.shares ?? [])
    (shares[share.channel] ??= []).push({
      ts: share.ts,
      ...(share.threadTs ? { thread_ts: share.threadTs } : {}),
      channel_name: share.channel.toLowerCase(),
    });
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    size: file.length,
    channels: Object.keys(shares),
    shares: { public: shares },
  };
}

/** Text and blocks of a post or update, or Slack's error for them. */
function messageContent(args: Args, kind: 'post' | 'update'): Partial<MessageContent> | Answer {
  const text = typeof args.text === 'string' ? args.text : undefined;
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) return fail('invalid_blocks_format');
  if (Array.isArray(blocks)) {
    const problems = checkBlocks(blocks);
    if (problems.length > 0) return fail('invalid_blocks', problems);
  }
  const hasBlocks = Array.isArray(blocks) && (blocks.length > 0 || kind === 'update');
  if ((text === undefined || text === '') && !hasBlocks && args.attachments === undefined)
    return fail('no_text');
  if (text !== undefined && text.length > 40_000) return fail('msg_too_long');
  return { text: text ?? '', ...(Array.isArray(blocks) ? { blocks } : {}) };
}

/** The metadata argument of a post, checked as Slack checks it. */
function messageMetadata(value: unknown): { metadata?: FakeMessage['metadata'] } | 'invalid' {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) return 'invalid';
  const { event_type: type, event_payload: payload } = value as Args;
  if (typeof type !== 'string' || typeof payload !== 'object' || payload === null) return 'invalid';
  return { metadata: { event_type: type, event_payload: payload as Record<string, unknown> } };
}

function apiMessage(message: FakeMessage, withMetadata = false): Answer {
  return {
    type: 'message',
    user: message.user,
    bot_id: message.bot_id,
    app_id: FAKE_BOT.appId,
    team: FAKE_BOT.teamId,
    ts: message.ts,
    text: message.text,
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
    ...(message.edited === undefined ? {} : { edited: message.edited }),
    ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
  };
}
