/** How many rollbacks are remembered; the oldest is forgotten first (forgetting only costs a spare job). */
const REMEMBERED = 1_000;

/**
 * Spaces out the render requests of one rollback: the first at once, then at most one per `intervalMs`,
 * carrying the newest version heard meanwhile; a final state at once. A burst of snapshots (a step's
 * start, its details, its end and the next step's start, a few milliseconds apart) costs one render job
 * instead of one each, so drawing does not compete with the rollback for the process and for Redis. The
 * status message itself shows intermediate states at most once a second anyway, and a step's thread reply
 * waits at most `intervalMs` more.
 */
export class RenderThrottle {
  private readonly lastSent = new Map<string, number>();
  private readonly waiting = new Map<string, { timer: NodeJS.Timeout; version: number }>();

  constructor(
    /** Sends the request of `jobId` at `version` (its job draws the newest snapshot when it runs). */
    private readonly send: (jobId: string, version: number) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks for a render of `version`; `urgent` (a final state) goes at once, with anything waiting. */
  request(jobId: string, version: number, urgent: boolean): void {
    const waiting = this.waiting.get(jobId);
    if (waiting) {
      waiting.version = Math.max(waiting.version, version);
      if (urgent) this.fire(jobId);
      return;
    }
    const since = this.now() - (this.lastSent.get(jobId) ?? Number.NEGATIVE_INFINITY);
    if (urgent || since >= this.intervalMs) {
      this.sent(jobId);
      this.send(jobId, version);
      return;
    }
    const timer = setTimeout(() => this.fire(jobId), this.intervalMs - since);
    this.waiting.set(jobId, { timer, version });
  }

  /** Sends every request still waiting (on close). */
  flush(): void {
    for (const jobId of [...this.waiting.keys()]) this.fire(jobId);
  }

  private fire(jobId: string): void {
    const waiting = this.waiting.get(jobId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(jobId);
    this.sent(jobId);
    this.send(jobId, waiting.version);
  }

  private sent(jobId: string): void {
    this.lastSent.delete(jobId);
    this.lastSent.set(jobId, this.now());
    if (this.lastSent.size > REMEMBERED) {
      const oldest = this.lastSent.keys().next().value;
      if (oldest !== undefined) this.lastSent.delete(oldest);
    }
  }
}
