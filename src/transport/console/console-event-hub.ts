import type { ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.js';
import type { RedisKeys } from '../../stores/redis-keys.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { RedisClient } from '../../stores/redis-client.js';

/** What one `snapshot` event carries: the card's HTML, and its version so older ones are dropped. */
export interface SnapshotEvent {
  jobId: string;
  version: number;
  state: ProgressSnapshot['state'];
  html: string;
}

export interface ConsoleEventHubOptions {
  /** Opens the subscription's own connection (a subscribed connection can do nothing else). */
  subscriber: () => RedisClient;
  keys: RedisKeys;
  /** Reads the latest snapshot of a job (the channel carries only its id). */
  read(jobId: string): Promise<ProgressSnapshot | undefined>;
  render(snapshot: ProgressSnapshot): SnapshotEvent;
  log: Logger;
  heartbeatMs?: number;
}

/**
 * Server-sent events for the console: one Redis subscription to the progress channel, fanned out to every
 * open browser. For each published job id the latest snapshot is read again and sent whole, so a browser
 * that missed events (or reconnects) still ends up with the latest state.
 */
export class ConsoleEventHub {
  private readonly clients = new Set<ServerResponse>();
  private subscriber: RedisClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: ConsoleEventHubOptions) {}

  async start(): Promise<void> {
    const subscriber = this.options.subscriber();
    subscriber.on('error', (error: unknown) =>
      this.options.log.warn({ err: error }, 'console event subscription error'),
    );
    subscriber.on('message', (_channel: string, jobId: string) => {
      void this.forward(jobId);
    });
    await subscriber.subscribe(this.options.keys.progressChannel());
    this.subscriber = subscriber;
    this.heartbeat = setInterval(
      () => this.broadcast(': keep-alive\n\n'),
      this.options.heartbeatMs ?? 15_000,
    );
    this.heartbeat.unref();
  }

  /** Takes over a response as an event stream and sends the given snapshots first (the current state). */
  attach(response: ServerResponse, initial: ProgressSnapshot[]): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    for (const snapshot of initial) response.write(format(this.options.render(snapshot)));
    response.write('event: ready\ndata: {}\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  get size(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async forward(jobId: string): Promise<void> {
    if (this.clients.size === 0) return;
    try {
      const snapshot = await this.options.read(jobId);
      if (snapshot) this.broadcast(format(this.options.render(snapshot)));
    } catch (error) {
      this.options.log.warn({ err: error, jobId }, 'could not send a snapshot to the console');
    }
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) client.write(chunk);
  }
}

/** One SSE event; JSON keeps the HTML on one `data:` line. */
function format(event: SnapshotEvent): string {
  return `event: snapshot\nid: ${event.jobId}:${event.version}\ndata: ${JSON.stringify(event)}\n\n`;
}
