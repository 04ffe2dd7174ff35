import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import type { ReplayCache } from './replay-cache.js';

interface Waiting {
  key: string;
  ttlMs: number;
  resolve: (seen: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * A replay cache in Redis: `SET <prefix>:rb:replay:<sha256(key)> 1 NX PX ttl`, atomic, so of two copies of
 * one request arriving together exactly one is "first". Keys are hashed: a signature is never stored.
 *
 * Every signed request asks once, so under load this is one Redis write per request. The requests that
 * arrive in one turn of the event loop are asked in one pipeline (one socket write, one read), sent once
 * that turn's I/O has been read (`setImmediate`): at 50 concurrent slash commands that is most of a Redis
 * round trip and a system call saved per request; a lone request waits only for the end of that turn. Redis
 * carries the pipeline's SETs out in order, so two copies of one request in the same pipeline still get one
 * "first". On a Redis Cluster each request is its own SET, as before. (PagerDuty deliveries are claimed in
 * batches by InboundIntake, which also stores them; this is the plain check for Slack's requests.)
 */
export class RedisReplayCache implements ReplayCache {
  private waiting: Waiting[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  seen(key: string, ttlMs: number): Promise<boolean> {
    if (this.redis.isCluster) return this.seenAlone(key, ttlMs);
    return new Promise<boolean>((resolve, reject) => {
      if (this.waiting.push({ key, ttlMs, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private async seenAlone(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keyFor(key), '1', 'PX', px(ttlMs), 'NX')) !== 'OK';
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    const [only] = batch;
    if (batch.length === 1 && only) {
      this.seenAlone(only.key, only.ttlMs).then(only.resolve, only.reject);
      return;
    }
    const pipeline = this.redis.pipeline();
    for (const { key, ttlMs } of batch) pipeline.set(this.keyFor(key), '1', 'PX', px(ttlMs), 'NX');
    pipeline.exec().then(
      (results) =>
        batch.forEach((waiting, i) => {
          const [error, reply] = results?.[i] ?? [new Error('Redis sent no reply for this command.')];
          if (error) waiting.reject(error);
          else waiting.resolve(reply !== 'OK');
        }),
      (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
    );
  }

  private keyFor(key: string): string {
    return this.keys.replay(createHash('sha256').update(key, 'utf8').digest('hex'));
  }
}

function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
