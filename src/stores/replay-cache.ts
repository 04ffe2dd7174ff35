/**
 * Remembers which signed inbound requests were already received, so a replay inside the signature's
 * validity window is answered without acting again. Slack and PagerDuty webhooks share it.
 */
export interface ReplayCache {
  /**
   * Records `key` for `ttlMs` and says whether it was already there: `true` means seen before (a replay or
   * a retry), `false` means this is the first time.
   */
  seen(key: string, ttlMs: number): Promise<boolean>;
}
