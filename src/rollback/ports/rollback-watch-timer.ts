/**
 * Schedules the watch after a successful rollback: checks of the workload until `until`, durable across
 * restarts (a delayed BullMQ job in production, `src/queue/rollback-watch-queue.ts`).
 */
export interface RollbackWatchTimer {
  /** Starts watching the rollback `jobId` until `until`; starting it again is ignored. */
  start(jobId: string, until: Date): Promise<void>;
}
