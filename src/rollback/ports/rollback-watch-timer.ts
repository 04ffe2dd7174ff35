/**
 * Schedules the watch after a successful rollback: checks of the workload until `until`, durable across
 * restarts (a delayed BullMQ job in production, `src/queue/rollback-watch-queue.ts`).
 */
export interface RollbackWatchTimer {
  /**
   * Starts watching the rollback `jobId` until `until`, on a worker of the service's `site` (the default
   * site when none is given); starting it again is ignored.
   */
  start(jobId: string, until: Date, site?: string): Promise<void>;
}
