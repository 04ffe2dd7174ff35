/**
 * Pulled once when the process is asked to stop (SIGTERM): every rollback a worker of this process runs
 * hands its job back at its next safe point, and a job taken after the pull goes back at once.
 */
export class ShutdownSwitch {
  private isPulled = false;
  private readonly listeners = new Set<() => void>();

  get pulled(): boolean {
    return this.isPulled;
  }

  /** How many subscribers are still registered: the jobs still running, for a worker's switch. */
  get listening(): number {
    return this.listeners.size;
  }

  pull(): void {
    if (this.isPulled) return;
    this.isPulled = true;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` when the switch is pulled (at once if it was); returns the unsubscription. */
  onPull(listener: () => void): () => void {
    if (this.isPulled) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
