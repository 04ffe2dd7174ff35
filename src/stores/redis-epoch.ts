import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** What one process saw when Redis came back without the bot's data. */
export interface RedisDataLoss {
  /** When this process noticed (the data went between its last good look and this). */
  at: Date;
  /** Redis's `run_id` now (INFO server): a new one means Redis restarted; the same one, that it was flushed. */
  runId: string | undefined;
  /** Whether Redis restarted (its run_id changed since the last good look), as far as this process knows. */
  restarted: boolean | undefined;
}

export type DataLossListener = (loss: RedisDataLoss) => Promise<void> | void;

export interface RedisEpochOptions {
  /** How often the epoch is looked at besides every reconnect (default 5 s). */
  intervalMs?: number;
  now?: () => Date;
}

const DEFAULT_INTERVAL_MS = 5_000;
/** The epoch outlives any key it vouches for; a lost-at mark is kept as long as snapshots (30 days). */
const LOST_AT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Tells whether Redis still holds the bot's data. The first process writes an epoch key (`SET NX`, no
 * expiry); every process remembers the one it saw and looks again after each reconnect and every few
 * seconds. Missing or different means Redis lost the data (restarted without persistence, flushed, or
 * evicted it): the loss is logged at error level, remembered in Redis for every process (`dataLostAt`)
 * and passed to the listeners (the worker reconciles the rollbacks it runs). A Redis that does not answer
 * is not a loss: the look is simply tried again.
 */
export class RedisEpoch {
  private known: string | undefined;
  private runId: string | undefined;
  private lastLoss: RedisDataLoss | undefined;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<RedisDataLoss | undefined> = Promise.resolve(undefined);
  private readonly listeners: DataLossListener[] = [];
  private readonly now: () => Date;
  private readonly onReady = () => void this.check();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly log: Logger,
    private readonly options: RedisEpochOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Adopts (or writes) the epoch, then keeps looking. */
  async start(): Promise<void> {
    await this.check();
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
  }

  onLoss(listener: DataLossListener): void {
    this.listeners.push(listener);
  }

  /** The last loss this process saw, if any (for /readyz). */
  lastSeen(): RedisDataLoss | undefined {
    return this.lastLoss;
  }

  /**
   * When Redis last lost the bot's data, as any process recorded it, after looking once more now (so a
   * loss not noticed yet is noticed here). Undefined when it never did, or when Redis does not answer.
   */
  async lostAt(): Promise<Date | undefined> {
    await this.check();
    const raw = await this.redis.get(this.keys.dataLostAt()).catch(() => null);
    const at = raw === null ? Number.NaN : Date.parse(raw);
    return Number.isNaN(at) ? this.lastLoss?.at : new Date(at);
  }

  /** Looks at the epoch once (looks never overlap); the loss when this look found one. */
  check(): Promise<RedisDataLoss | undefined> {
    const next = this.chain.then(() => this.look()).catch(() => undefined);
    this.chain = next;
    return next;
  }

  private async look(): Promise<RedisDataLoss | undefined> {
    const current = await this.redis.get(this.keys.epoch());
    if (current !== null && current === this.known) return undefined;
    const runId = await this.readRunId();
    if (this.known === undefined) {
      this.known = current ?? (await this.write());
      this.runId = runId;
      return undefined;
    }
    const loss: RedisDataLoss = {
      at: this.now(),
      runId,
      restarted: runId === undefined || this.runId === undefined ? undefined : runId !== this.runId,
    };
    this.known = current ?? (await this.write());
    this.runId = runId;
    this.lastLoss = loss;
    // The loss took the previous mark with it: the first process to notice this one sets it.
    await this.redis
      .set(this.keys.dataLostAt(), loss.at.toISOString(), 'EX', LOST_AT_TTL_SECONDS, 'NX')
      .catch(() => undefined);
    this.log.error(
      { code: 'redis_data_lost', restarted: loss.restarted, runId },
      `Redis lost the bot's data (${describeLoss(loss)}): the queue, locks, rolled-back marks, status ` +
        'bindings and audit entries written before now are gone. Rollbacks running on this worker go on and ' +
        'are put back from its memory; see docs/redis.md ("When Redis forgets").',
    );
    for (const listener of this.listeners) {
      await Promise.resolve(listener(loss)).catch((error: unknown) =>
        this.log.error({ err: error }, 'could not reconcile after Redis lost its data'),
      );
    }
    return loss;
  }

  /** Writes a new epoch unless another process just did; returns the one that stands. */
  private async write(): Promise<string> {
    const id = `${this.now().toISOString()}/${randomUUID()}`;
    const set = await this.redis.set(this.keys.epoch(), id, 'NX');
    return set === 'OK' ? id : ((await this.redis.get(this.keys.epoch())) ?? id);
  }

  private async readRunId(): Promise<string | undefined> {
    const info = await this.redis.info('server').catch(() => '');
    return /^run_id:(\S+)/m.exec(info)?.[1];
  }
}

/** "restarted", "flushed" or "restarted or flushed", for the log and the messages. */
export function describeLoss(loss: Pick<RedisDataLoss, 'restarted'>): string {
  if (loss.restarted === true) return 'Redis restarted without persistence';
  if (loss.restarted === false) return 'Redis was flushed or evicted the keys';
  return 'Redis restarted without persistence or was flushed';
}
