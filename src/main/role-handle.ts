import type { Worker } from 'bullmq';

/**
 * What a started role leaves to close. On shutdown the HTTP server stops first, then every worker
 * (they finish their active steps), then each `close` in order, then the shared core.
 */
export interface RoleHandle {
  workers: Worker[];
  closers: (() => Promise<unknown>)[];
}
