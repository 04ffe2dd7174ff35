import { FAKE_BOT, type FakeFile, type FakeMessage, type FakeSlackOptions, type FakeUser } from './types.js';

const CONVERSATION_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

export interface MessageContent {
  text: string;
  blocks?: unknown[];
  files?: FakeMessage['files'];
  metadata?: FakeMessage['metadata'];
}

/** The state behind the fake: channels and their messages, user groups, users, uploaded files. */
export class FakeWorkspace {
  readonly userGroups = new Map<string, string[]>();
  readonly uploads = new Map<string, FakeFile>();
  private readonly channelMessages = new Map<string, FakeMessage[]>();
  private lastTs = 0;
  private lastId = 0;

  constructor(private readonly options: FakeSlackOptions) {}

  /** "1700000000.000100", "1700000000.000200"...: unique and increasing, as Slack's are. */
  nextTs(): string {
    this.lastTs += 1;
    const micros = this.lastTs * 100;
    const seconds = 1_700_000_000 + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.lastId += 1;
    return `${prefix}0FAKE${String(this.lastId).padStart(4, '0')}`;
  }

  channelExists(id: string): boolean {
    if (this.options.channels !== undefined) return Object.hasOwn(this.options.channels, id);
    return CONVERSATION_ID.test(id);
  }

  channelName(id: string): string {
    return this.options.channels?.[id] ?? `channel-${id.toLowerCase()}`;
  }

  user(id: string): (FakeUser & { id: string }) | undefined {
    if (id === FAKE_BOT.userId) return { id, name: FAKE_BOT.user, isBot: true };
    const known = this.options.users?.[id];
    if (known !== undefined) return { id, ...known };
    return USER_ID.test(id) ? { id, name: `user-${id.toLowerCase()}` } : undefined;
  }

  /** The configured user with this e-mail address (case-insensitive), as users.lookupByEmail finds them. */
  userByEmail(email: string): (FakeUser & { id: string }) | undefined {
    for (const [id, user] of Object.entries(this.options.users ?? {}))
      if (user.email?.toLowerCase() === email) return { id, ...user };
    return undefined;
  }

  /** Posts a message, or a reply when `threadTs` names a message (or a reply) in the channel. */
  post(channel: string, content: MessageContent, threadTs?: string): FakeMessage | undefined {
    const list = this.channelMessages.get(channel) ?? [];
    this.channelMessages.set(channel, list);
    let parent: FakeMessage | undefined;
    if (threadTs !== undefined) {
      const target = this.find(channel, threadTs);
      if (target === undefined) return undefined;
      parent = target.thread_ts === undefined ? target : this.find(channel, target.thread_ts);
      if (parent === undefined) return undefined;
    }
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      text: content.text,
      ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
      ...(content.files === undefined ? {} : { files: content.files }),
      ...(content.metadata === undefined ? {} : { metadata: content.metadata }),
      user: FAKE_BOT.userId,
      bot_id: FAKE_BOT.botId,
      ...(parent === undefined ? {} : { thread_ts: parent.ts }),
      updates: 0,
      replies: [],
    };
    if (parent === undefined) list.push(message);
    else parent.replies.push(message);
    return message;
  }

  /** A top-level message or a thread reply, by ts. */
  find(channel: string, ts: string): FakeMessage | undefined {
    for (const message of this.channelMessages.get(channel) ?? []) {
      if (message.ts === ts) return message;
      const reply = message.replies.find((r) => r.ts === ts);
      if (reply !== undefined) return reply;
    }
    return undefined;
  }

  update(message: FakeMessage, text: string | undefined, blocks: unknown[] | undefined): void {
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) {
      if (blocks.length === 0) delete message.blocks;
      else message.blocks = blocks;
    }
    message.updates += 1;
    message.edited = { user: FAKE_BOT.userId, ts: this.nextTs() };
  }

  /** A copy, so a test holding it sees a stable picture. */
  messages(channel: string): FakeMessage[] {
    return structuredClone(this.channelMessages.get(channel) ?? []);
  }
}
