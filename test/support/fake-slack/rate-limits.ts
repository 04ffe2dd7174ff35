/**
 * Slack's limits as the fake enforces them: a number of calls per minute per method (the tiers: Tier 2
 * about 20, Tier 3 about 50, Tier 4 about 100) and `chat.postMessage` about once per second per channel.
 * Sliding windows; a refused call gets the seconds until a slot frees as `Retry-After`.
 */
export interface FakeSlackLimits {
  /** Calls allowed per minute, by method; methods not listed are not limited. */
  perMinute?: Record<string, number>;
  /** `chat.postMessage` (and thread replies) allowed per second in one channel. */
  postsPerSecondPerChannel?: number;
}

/** Slack's published tiers for the methods rollback-bot calls, and one post per second per channel. */
export const SLACK_LIMITS: Required<FakeSlackLimits> = {
  perMinute: {
    'chat.update': 50,
    'chat.postEphemeral': 100,
    'conversations.history': 50,
    'conversations.replies': 50,
    'usergroups.users.list': 20,
    'auth.test': 100,
  },
  postsPerSecondPerChannel: 1,
};

/** `limits` with every rate multiplied by `factor`: Slack's limits on a compressed clock, for tests. */
export function scaledLimits(
  factor: number,
  limits: Required<FakeSlackLimits> = SLACK_LIMITS,
): FakeSlackLimits {
  return {
    perMinute: Object.fromEntries(Object.entries(limits.perMinute).map(([m, n]) => [m, n * factor])),
    postsPerSecondPerChannel: limits.postsPerSecondPerChannel * factor,
  };
}

export class RateLimits {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly limits: FakeSlackLimits) {}

  /** Counts the call when allowed (undefined); otherwise the Retry-After seconds. */
  take(method: string, args: Record<string, unknown>, now = Date.now()): number | undefined {
    const checks: { key: string; limit: number; windowMs: number }[] = [];
    const perMinute = this.limits.perMinute?.[method];
    if (perMinute !== undefined) checks.push({ key: method, limit: perMinute, windowMs: 60_000 });
    const perSecond = this.limits.postsPerSecondPerChannel;
    if (method === 'chat.postMessage' && perSecond !== undefined) {
      // Windows of whole calls: 0.5 posts/s is one post per 2 s.
      const windowMs = perSecond >= 1 ? 1_000 : Math.round(1_000 / perSecond);
      checks.push({ key: `post:${String(args.channel)}`, limit: Math.max(1, perSecond), windowMs });
    }
    let retryAfterMs = 0;
    for (const check of checks) {
      const window = (this.windows.get(check.key) ?? []).filter((t) => t > now - check.windowMs);
      this.windows.set(check.key, window);
      if (window.length >= check.limit) {
        retryAfterMs = Math.max(retryAfterMs, (window[0] ?? now) + check.windowMs - now);
      }
    }
    if (retryAfterMs > 0) return Math.max(1, Math.ceil(retryAfterMs / 1_000));
    for (const check of checks) this.windows.get(check.key)?.push(now);
    return undefined;
  }
}
