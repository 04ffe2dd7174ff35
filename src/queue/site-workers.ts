import type { Worker } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { createRollbackWorker, type RollbackWorkerOptions } from './rollback-worker.js';
import { ShutdownSwitch } from './shutdown-switch.js';
import type { WorkerHeartbeat } from './worker-heartbeat.js';

export interface SiteWorkersOptions extends Omit<RollbackWorkerOptions, 'site' | 'shutdown'> {
  /** The sites this process serves (WORKER_SITES): one BullMQ worker on each site's queue. */
  sites: readonly string[];
  /** Announces this process in each site; stopped first on shutdown. */
  heartbeat?: WorkerHeartbeat;
  /** More BullMQ workers to close on shutdown, after the rollback workers (the planning workers). */
  others?: Worker[];
}

/** How a shutdown went: how long it took and whether every running job got back to the queue in time. */
export interface ShutdownReport {
  ms: number;
  /** Jobs still running when the grace period ended (resumed by another worker once their lock expires). */
  unfinished: number;
}

/**
 * The worker role's rollback workers, one per served site, and their graceful shutdown: on SIGTERM every
 * running rollback reaches its next safe point and its job goes back to its site's queue, where another
 * worker resumes it at once; no job is lost or run twice.
 */
export class SiteWorkers {
  readonly workers: Worker[];
  private readonly shutdown = new ShutdownSwitch();

  constructor(private readonly options: SiteWorkersOptions) {
    this.workers = options.sites.map((site) =>
      createRollbackWorker({ ...options, site, shutdown: this.shutdown }),
    );
  }

  /** Rollbacks this process is running now, across its sites. */
  get running(): number {
    return this.shutdown.listening;
  }

  /**
   * Stops taking jobs and leaves the sites' heartbeats, asks every running rollback to hand its job back
   * at its next safe point, and waits for that up to `graceMs`. BullMQ's own close waits for running jobs
   * without a limit; past the grace period the role goes on closing, and a job whose step is still running
   * (a non-interruptible one, longer than the grace) is resumed by another worker once its lock expires.
   */
  async close(graceMs: number, log: Logger = this.options.log): Promise<ShutdownReport> {
    const started = Date.now();
    await this.options.heartbeat?.stop();
    // close() first: from here on a BullMQ worker fetches nothing, so a job handed back goes to another.
    const closing = Promise.all(this.workers.map((w) => w.close()));
    this.shutdown.pull();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      closing.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    const unfinished = inTime ? 0 : this.running;
    await Promise.all((this.options.others ?? []).map((w) => w.close()));
    const report = { ms: Date.now() - started, unfinished };
    if (inTime) log.info(report, 'rollback workers stopped: every running job was handed back');
    else
      log.warn(
        report,
        'shutdown grace period over with jobs still in a step: another worker resumes them once their lock expires',
      );
    return report;
  }
}
