import {
  Observable,
  setHeaderOptions,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { KeepAliveAgents } from './keep-alive-agents.js';

const of = <T>(value: T): Observable<T> => new Observable(Promise.resolve(value));

/**
 * Per-call client-node options: a signal that aborts the HTTP request (the caller's, combined with a
 * request timeout), the cluster's keep-alive agent in place of the one-request agent client-node made
 * (see keep-alive-agents.ts) and, for patches, the Content-Type that says which kind of patch the body is.
 */
export function requestOptions(options: {
  signal: AbortSignal;
  contentType?: string;
  agents?: KeepAliveAgents;
}): ConfigurationOptions<ObservableMiddleware> {
  const abort: ObservableMiddleware = {
    pre: (request: RequestContext): Observable<RequestContext> => {
      request.setSignal(options.signal);
      const kept = options.agents?.reuse(request.getAgent());
      if (kept) request.setAgent(kept);
      return of(request);
    },
    post: (response: ResponseContext): Observable<ResponseContext> => of(response),
  };
  const base: ConfigurationOptions<ObservableMiddleware> = {
    middleware: [abort],
    middlewareMergeStrategy: 'append',
  };
  return options.contentType ? setHeaderOptions('Content-Type', options.contentType, base) : base;
}

/** The caller's signal (if any) combined with a timeout for one request. */
export function requestSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}
