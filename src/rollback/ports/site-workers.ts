/** A worker process as it announces itself in its site's heartbeat. */
export interface SiteWorker {
  /** Unique per process ("<host>-<pid>-<random>"). */
  id: string;
  host: string;
  /** The strategies it runs (WORKER_STRATEGIES, or every strategy it was built with). */
  strategies: string[];
}

/** Which workers are alive in a site right now (their heartbeat has not expired). */
export interface SitePresence {
  live(site: string): Promise<SiteWorker[]>;
}
