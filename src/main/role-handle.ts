import type { Worker } from 'bullmq';

/**
 * What a started role leaves to close. On shutdown the HTTP server stops first, then every worker listed
 * here, then each `close` in order, then the shared core. The worker role lists none: its first `close`
 * hands its running rollbacks back to their queues, bounded by SHUTDOWN_GRACE_MS.
 */
export interface RoleHandle {
  workers: Worker[];
  closers: (() => Promise<unknown>)[];
}
