/**
 * Runs the controllers asynchronously, like kube-controller-manager: soon after every change to the store
 * and on a short timer (for time-based transitions: pods becoming ready, progress deadlines). A controller
 * bug is rethrown outside the request path so the test runner reports it instead of a silent hang.
 */
import type { ObjectStore } from './object-store.js';

export interface Controller {
  syncAll(): void;
}

const TICK_MS = 10;
const MAX_PASSES = 25;

export class ReconcileLoop {
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Immediate | undefined;
  private running = false;
  private failed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly controllers: Controller[],
  ) {
    this.unsubscribe = store.subscribe(() => this.soon());
  }

  start(): void {
    this.timer = setInterval(() => this.runNow(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.timer = undefined;
    this.pending = undefined;
    this.unsubscribe();
  }

  /** Runs controller passes until the store stops changing (bounded). */
  runNow(): void {
    if (this.running || this.failed) return;
    this.running = true;
    try {
      for (let pass = 0; pass < MAX_PASSES; pass += 1) {
        const before = this.store.resourceVersion;
        for (const controller of this.controllers) controller.syncAll();
        if (this.store.resourceVersion === before) break;
      }
    } catch (error) {
      this.failed = true;
      setImmediate(() => {
        throw error;
      });
    } finally {
      this.running = false;
    }
  }

  private soon(): void {
    if (this.running || this.pending || !this.timer) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.runNow();
    });
  }
}
