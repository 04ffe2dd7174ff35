import type { Logger } from '../observability/logger.js';
import type { SiteWorker } from '../rollback/ports/site-workers.js';

/** What the heartbeat writes to (RedisSiteHeartbeats). */
export interface HeartbeatStore {
  beat(site: string, worker: SiteWorker, ttlMs: number): Promise<void>;
  leave(site: string, workerId: string): Promise<void>;
}

export interface WorkerHeartbeatOptions {
  store: HeartbeatStore;
  worker: SiteWorker;
  sites: readonly string[];
  /** How long one beat keeps the worker alive (default 15 s); beats go out three times as often. */
  ttlMs?: number;
  log: Logger;
}

export const DEFAULT_HEARTBEAT_TTL_MS = 15_000;

/**
 * A worker's "I am alive in these sites, running these strategies", renewed on a timer. Web processes
 * read it to tell a job that waits for nobody from one that waits its turn. A beat that fails (Redis
 * away) is logged once per outage; the worker is taken for gone once its last beat expires.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private readonly ttlMs: number;

  constructor(private readonly options: WorkerHeartbeatOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_HEARTBEAT_TTL_MS;
  }

  /** Beats once (so the worker is known alive before it takes jobs), then on a timer. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Stops beating and leaves every site at once (a shutting-down worker takes no more jobs). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const { store, worker, sites, log } = this.options;
    await Promise.all(
      sites.map((site) =>
        store
          .leave(site, worker.id)
          .catch((error: unknown) => log.warn({ err: error, site }, 'could not leave the site heartbeat')),
      ),
    );
  }

  private async beat(): Promise<void> {
    const { store, worker, sites, log } = this.options;
    try {
      await Promise.all(sites.map((site) => store.beat(site, worker, this.ttlMs)));
      if (this.failing) log.info({ sites }, 'worker heartbeat written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) log.warn({ err: error, sites }, 'could not write the worker heartbeat; retrying');
      this.failing = true;
    }
  }
}
