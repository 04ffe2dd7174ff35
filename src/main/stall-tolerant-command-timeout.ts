import type { Command } from 'ioredis';

/** Timer lateness below this is ordinary scheduling jitter on a loaded machine, not a stall. */
const STALL_MS = 100;

/** However often this process stalls, a command Redis does not answer fails within this many timeouts. */
const MAX_TIMEOUTS = 3;

/**
 * The Redis command timeout the bot uses instead of ioredis' `commandTimeout`, which fails a command
 * whose timer fires after this process was busy (an event-loop stall), although Redis's answer is already
 * waiting on the socket: Node runs due timers before it reads sockets.
 *
 * Here, when the timer fires, the command first yields to I/O once (setImmediate runs after the socket
 * reads), so an answer that arrived during a stall is taken. If none came and the timer fired late (this
 * process stalled), Redis gets that time again, as it counted against the bot, not Redis. A Redis that
 * does not answer a responsive bot fails the command after `timeoutMs`; with stalls, within
 * MAX_TIMEOUTS × `timeoutMs` (plus the stall itself). The error is ioredis' own "Command timed out…",
 * which isStoreUnavailable recognises.
 */
export class StallTolerantCommandTimeout {
  private readonly armed = new WeakSet<Command>();

  constructor(
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the command's timeout, once (ioredis sends a command again after a reconnect or a redirect). */
  arm(command: Command): void {
    if (this.armed.has(command)) return;
    this.armed.add(command);
    const limit = this.now() + MAX_TIMEOUTS * this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const wait = (ms: number) => {
      const due = this.now() + ms;
      timer = setTimeout(() => setImmediate(() => check(due)), ms);
    };
    const check = (due: number) => {
      if (command.isResolved) return;
      const now = this.now();
      const stalled = now - due;
      if (stalled >= STALL_MS && now < limit) return wait(Math.min(stalled, limit - now));
      command.reject(
        new Error(`Command timed out: Redis did not answer ${command.name} within ${this.timeoutMs} ms`),
      );
    };
    wait(this.timeoutMs);
    const stop = () => clearTimeout(timer);
    void command.promise.then(stop, stop);
  }
}
