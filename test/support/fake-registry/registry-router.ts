/** The HTTP side of the fake registry: token realm, /v2/ ping, manifests, auth challenges and faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryStore } from './registry-store.js';
import type { TokenService } from './token-service.js';

export type FaultTarget = 'manifests' | 'token' | 'any';
export type RegistryFault =
  | { status: 401 | 403 | 404 | 429 | 500 | 502 | 503; times?: number; on?: FaultTarget }
  | { delayMs: number; times?: number; on?: FaultTarget };

export interface RecordedRegistryRequest {
  method: string;
  path: string;
  /** The scheme of the Authorization header the request carried (never its value). */
  auth: 'none' | 'basic' | 'bearer' | 'other';
}

export interface RegistryHandlerDeps {
  mode: 'bearer' | 'basic' | 'none';
  store: RegistryStore;
  tokens: TokenService;
  faults: (RegistryFault & { left: number })[];
  requests: RecordedRegistryRequest[];
  service: string;
  omitDigestHeader: boolean;
  baseUrl: () => string;
}

export function createRegistryHandler(
  deps: RegistryHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { mode, store, tokens, faults, requests } = deps;
  const SERVICE = deps.service;
  const takeFault = (target: FaultTarget): RegistryFault | undefined => {
    const index = faults.findIndex((f) => (f.on ?? 'manifests') === target || f.on === 'any');
    const fault = faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', deps.baseUrl());
    const authorization = req.headers.authorization;
    requests.push({ method, path: parsed.pathname + parsed.search, auth: authScheme(authorization) });
    const target: FaultTarget = parsed.pathname === '/token' ? 'token' : 'manifests';
    const fault = takeFault(target);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    else if (fault) return sendFault(res, fault.status, method, deps.baseUrl());

    if (parsed.pathname === '/token' && method === 'GET') {
      const answer = tokens.issue(parsed.searchParams, authorization);
      return sendJson(res, answer.status, answer.body, method);
    }
    if (parsed.pathname === '/v2/' || parsed.pathname === '/v2') {
      if (!authorized(undefined)) return challenge(res, method, undefined);
      return sendJson(res, 200, {}, method);
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(parsed.pathname);
    if (!manifest || (method !== 'GET' && method !== 'HEAD'))
      return sendJson(res, 404, errors('UNSUPPORTED', 'The operation is unsupported.'), method);
    const [, repository = '', reference = ''] = manifest;
    if (!authorized(repository)) return challenge(res, method, repository);
    if (!store.has(repository))
      return sendJson(res, 404, errors('NAME_UNKNOWN', 'repository name not known to registry'), method);
    const found = store.resolve(repository, decodeURIComponent(reference));
    if (!found) return sendJson(res, 404, errors('MANIFEST_UNKNOWN', 'manifest unknown'), method);
    res.writeHead(200, {
      'Content-Type': found.mediaType,
      'Content-Length': found.bytes.length,
      ...(deps.omitDigestHeader ? {} : { 'Docker-Content-Digest': found.digest }),
      'Docker-Distribution-Api-Version': 'registry/2.0',
    });
    res.end(method === 'HEAD' ? undefined : found.bytes);

    function authorized(repo: string | undefined): boolean {
      if (mode === 'none') return true;
      if (mode === 'basic') {
        const user = tokens.authenticate(authorization);
        return user !== null && (repo === undefined ? user !== undefined : store.mayPull(repo, user));
      }
      return repo === undefined
        ? authorization?.startsWith('Bearer ') === true
        : tokens.allows(authorization, repo);
    }
  };

  const challenge = (res: ServerResponse, method: string, repository: string | undefined): void => {
    const header =
      mode === 'basic'
        ? `Basic realm="${SERVICE}"`
        : `Bearer realm="${deps.baseUrl()}/token",service="${SERVICE}"${repository ? `,scope="repository:${repository}:pull"` : ''}`;
    sendJson(res, 401, errors('UNAUTHORIZED', 'authentication required'), method, {
      'WWW-Authenticate': header,
    });
  };

  const sendFault = (res: ServerResponse, status: number, method: string, base: string): void => {
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = `Bearer realm="${base}/token",service="${SERVICE}"`;
    if (status === 429) headers['Retry-After'] = '1';
    const code =
      status === 404
        ? 'MANIFEST_UNKNOWN'
        : status === 401
          ? 'UNAUTHORIZED'
          : status === 403
            ? 'DENIED'
            : 'UNAVAILABLE';
    sendJson(res, status, errors(code, `injected ${status}`), method, headers);
  };

  return handle;
}

export function sendRegistryError(res: ServerResponse, error: unknown, method: string): void {
  if (!res.headersSent) sendJson(res, 500, errors('UNKNOWN', String(error)), method);
  else res.end();
}

function authScheme(header: string | undefined): RecordedRegistryRequest['auth'] {
  if (header === undefined) return 'none';
  if (header.startsWith('Basic ')) return 'basic';
  if (header.startsWith('Bearer ')) return 'bearer';
  return 'other';
}

function errors(code: string, message: string): { errors: { code: string; message: string }[] } {
  return { errors: [{ code, message }] };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  method: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Docker-Distribution-Api-Version': 'registry/2.0',
    ...headers,
  });
  res.end(method === 'HEAD' ? undefined : text);
}
