/** A scripted failure for the next calls to one method. */
export type Fault =
  | { kind: 'platform'; error: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number };

/** Faults queued per method, each used for a number of calls, in the order they were queued. */
export class FaultQueue {
  private readonly queued = new Map<string, { fault: Fault; remaining: number }[]>();

  add(method: string, fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${times}`);
    const list = this.queued.get(method) ?? [];
    list.push({ fault, remaining: times });
    this.queued.set(method, list);
  }

  /** The fault for this call to `method`, if one is queued; uses it up. */
  take(method: string): Fault | undefined {
    const list = this.queued.get(method);
    const head = list?.[0];
    if (list === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) list.shift();
    return head.fault;
  }
}
