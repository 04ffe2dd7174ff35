import { createLogUpdate } from 'log-update';
import type { RedisClient } from '../stores/redis-client.js';
import type { RedisKeys } from '../stores/redis-keys.js';
import { renderProgressFrame } from '../render/terminal/render-progress-frame.js';
import { renderProgressLines } from '../render/terminal/render-progress-lines.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import { isFinished, type ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { CliIo } from './cli-io.js';

export type FollowMode = 'live' | 'lines' | 'json';

export interface FollowOptions {
  jobId: string;
  /** Opens the connection of the progress subscription (the bot's Redis configuration). */
  subscriber: () => RedisClient;
  keys: RedisKeys;
  progress: ProgressStore;
  io: CliIo;
  mode: FollowMode;
  /** Aborting stops following (the rollback goes on); the promise then resolves with the last snapshot. */
  signal?: AbortSignal;
  /** A re-read now and then, in case a notification was missed while the subscriber reconnected. */
  pollMs?: number;
}

/**
 * Follows one rollback until it ends: subscribes to the progress channel, and on each notification for
 * this job re-reads the whole snapshot (snapshots, not deltas) and draws it — a live frame in a terminal,
 * new lines otherwise, or one JSON snapshot per line. Returns the last snapshot seen.
 */
export async function followRollback(options: FollowOptions): Promise<ProgressSnapshot | undefined> {
  const { jobId, io, mode } = options;
  const subscriber = options.subscriber();
  subscriber.on('error', () => undefined); // reconnects by itself; the poll covers the gap
  const live = mode === 'live' ? createLogUpdate(io.stdout, { showCursor: false }) : undefined;
  let last: ProgressSnapshot | undefined;
  let reading = Promise.resolve();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const draw = (snapshot: ProgressSnapshot) => {
    if (mode === 'json') io.out(JSON.stringify(snapshot));
    else if (mode === 'lines') for (const line of renderProgressLines(last, snapshot)) io.out(line);
    else live?.(renderProgressFrame(snapshot, new Date(), io.columns));
    last = snapshot;
    if (isFinished(snapshot)) finish();
  };
  const refresh = () => {
    reading = reading.then(async () => {
      const snapshot = await options.progress.get(jobId).catch(() => undefined);
      if (snapshot && snapshot.version > (last?.version ?? 0)) draw(snapshot);
    });
  };

  subscriber.on('message', (_channel: string, message: string) => {
    if (message === jobId) refresh();
  });
  const onAbort = () => finish();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const poll = setInterval(refresh, options.pollMs ?? 2_000);
  const clock = live
    ? setInterval(
        () => last && !isFinished(last) && live(renderProgressFrame(last, new Date(), io.columns)),
        1_000,
      )
    : undefined;
  try {
    await subscriber.subscribe(options.keys.progressChannel());
    refresh(); // the snapshot may have changed before the subscription started
    await done;
    await reading;
  } finally {
    clearInterval(poll);
    if (clock) clearInterval(clock);
    options.signal?.removeEventListener('abort', onAbort);
    live?.done();
    subscriber.disconnect();
  }
  return last;
}
