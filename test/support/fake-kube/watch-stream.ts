/**
 * WATCH responses: a chunked stream of JSON lines `{"type": ..., "object": ...}` like kube-apiserver's.
 * Without a resourceVersion (or with "0") the current state comes first as ADDED events; with one, every
 * change after it is replayed; a compacted version gets an ERROR event carrying a 410 Expired Status.
 * `sendInitialEvents=true` (streaming lists) ends the initial state with a BOOKMARK marked
 * `k8s.io/initial-events-end`.
 */
import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoredChange } from './object-store.js';
import type { Matcher } from './selectors.js';
import type { KubeObject } from './wire-types.js';

export interface WatchRequest {
  resource: string;
  kind: string;
  apiVersion: string;
  namespace: string | undefined;
  matches: Matcher;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
}

export function serveWatch(
  store: ObjectStore,
  request: WatchRequest,
  res: ServerResponse,
  onEnd: () => void,
): () => void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  let ended = false;
  const send = (type: string, object: unknown): void => {
    if (!ended) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const relevant = (change: StoredChange): boolean =>
    change.resource === request.resource &&
    (request.namespace === undefined || change.object.metadata.namespace === request.namespace) &&
    request.matches(change.object);

  const unsubscribe = store.subscribe((change) => {
    if (relevant(change)) send(change.type, change.object);
  });
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    unsubscribe();
    res.end();
    onEnd();
  };
  const timer = setTimeout(end, (request.timeoutSeconds ?? 1800) * 1000);
  timer.unref();
  res.on('close', end);

  const rv = request.resourceVersion;
  if (request.sendInitialEvents || !rv || rv === '0') {
    for (const object of store.list(request.resource, request.namespace)) {
      if (request.matches(object)) send('ADDED', object);
    }
    if (request.sendInitialEvents && request.allowBookmarks) {
      send('BOOKMARK', bookmark(request, store.resourceVersion, { 'k8s.io/initial-events-end': 'true' }));
    }
  } else {
    const changes = store.changesSince(Number(rv));
    if (!changes) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${store.resourceVersion})`,
        reason: 'Expired',
        code: 410,
      });
      end();
      return end;
    }
    for (const change of changes) if (relevant(change)) send(change.type, change.object);
  }
  return end;
}

function bookmark(
  request: WatchRequest,
  resourceVersion: string,
  annotations: Record<string, string>,
): KubeObject {
  return {
    kind: request.kind,
    apiVersion: request.apiVersion,
    metadata: { name: '', resourceVersion, annotations },
  };
}
