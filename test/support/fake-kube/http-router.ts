/**
 * The HTTP front of the fake API server: authentication, request recording, fault injection, discovery,
 * and dispatch of resource URLs (/api/v1/..., /apis/{group}/{version}/...) to their handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, unauthorized, unknownPath, unsupportedMediaType } from './api-status.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery-documents.js';
import type { FakeKubelet } from './fake-kubelet.js';
import type { FaultInjector } from './fault-injector.js';
import type { ObjectStore } from './object-store.js';
import { podLog } from './pod-log.js';
import { rbacAttributes, type RbacAttributes } from './rbac-attributes.js';
import { matcherFor, ResourceHandlers, type ResourceRequest } from './resource-handlers.js';
import { apiVersionOf, findResourceType } from './resource-types.js';
import { toTable, wantsTable } from './server-side-table.js';
import { serveWatch } from './watch-stream.js';
import type { PodWire } from './wire-types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
  /** What an authorizer would be asked about this request (verb, group, resource, namespace). */
  rbac: RbacAttributes;
  /** Who sent it: the user whose token it carried (see `kubeconfigFor`), or "anonymous". */
  user: string;
}

export interface RouterDeps {
  store: ObjectStore;
  kubelet: FakeKubelet;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Bearer token → user name: the kubeconfigs the fake wrote. */
  users: Map<string, string>;
  /** Open watches, ended when the server closes. */
  watches: Set<() => void>;
  serverAddress: () => string;
}

export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handlers = new ResourceHandlers(deps.store);
  return (req, res) => {
    readBody(req)
      .then((raw) => route(deps, handlers, req, res, raw))
      .catch((error: unknown) => sendError(res, error));
  };
}

function route(
  deps: RouterDeps,
  handlers: ResourceHandlers,
  req: IncomingMessage,
  res: ServerResponse,
  raw: string,
): void {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake-kube');
  const contentType = req.headers['content-type'];
  const body = parseBody(raw, contentType);
  // Like the old insecure port, plain HTTP serves anonymous requests (kubectl never sends credentials over
  // plain HTTP); a request that does present credentials must present a token of a kubeconfig the fake wrote.
  const auth = req.headers.authorization;
  const user = auth === undefined ? 'anonymous' : deps.users.get(auth.replace(/^Bearer /, ''));
  deps.requests.push({
    method,
    path: url.pathname + url.search,
    ...(contentType ? { contentType } : {}),
    ...(raw ? { body } : {}),
    rbac: rbacAttributes(method, url),
    user: user ?? 'unauthenticated',
  });
  if (user === undefined) throw unauthorized();
  const fault = deps.faults.take(method, url.pathname, url.pathname + url.search);
  if (fault) throw fault;

  const discovery = discoveryDocument(url.pathname, deps.serverAddress());
  if (discovery !== undefined) return sendJson(res, 200, discovery);
  if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) return sendText(res, 200, 'ok');

  const target = parseResourcePath(url.pathname);
  if (!target) throw unknownPath();
  const type = findResourceType(target.group, target.version, target.resource);
  if (!type) throw unknownPath();
  if (body instanceof Error) throw badRequest(body.message);
  // The fake speaks JSON only: like a server without protobuf for a resource, it answers 415, and
  // client-go (kubectl create secret/configmap sends protobuf) falls back to JSON.
  if ((method === 'POST' || method === 'PUT') && raw && contentType && !contentType.includes('json'))
    throw unsupportedMediaType(contentType, 'application/json, application/yaml');
  const request: ResourceRequest = {
    method,
    type,
    namespace: target.namespace,
    name: target.name,
    subresource: target.subresource,
    query: url.searchParams,
    contentType: contentType ?? '',
    body,
  };

  if (
    method === 'GET' &&
    target.name === undefined &&
    ['true', '1'].includes(url.searchParams.get('watch') ?? '')
  ) {
    const timeout = url.searchParams.get('timeoutSeconds');
    const end = serveWatch(
      deps.store,
      {
        resource: type.resource,
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        namespace: target.namespace,
        matches: matcherFor(url.searchParams),
        resourceVersion: url.searchParams.get('resourceVersion'),
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        sendInitialEvents: url.searchParams.get('sendInitialEvents') === 'true',
        allowBookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      },
      res,
      () => deps.watches.delete(end),
    );
    deps.watches.add(end);
    return;
  }
  if (target.subresource === 'log') {
    if (method !== 'GET') throw badRequest('log only supports GET');
    const pod = handlers.mustGet(type, target.namespace, target.name ?? '') as PodWire;
    return sendText(res, 200, podLog(pod, url.searchParams, deps.kubelet));
  }
  if (target.subresource !== undefined && !type.subresources.includes(target.subresource))
    throw unknownPath();
  if (method === 'GET' && target.subresource === undefined && wantsTable(req.headers.accept)) {
    const table = toTable(type.resource, handlers.select(request), deps.store.resourceVersion);
    if (table) return sendJson(res, 200, table);
  }
  const reply = handlers.handle(request);
  sendJson(res, reply.status, reply.body);
}

interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1] ?? '', parts.slice(3)];
  else return undefined;
  const version = parts[0] === 'api' ? 'v1' : (parts[2] ?? '');
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resource = '', name, subresource, ...extra] = rest;
    return extra.length ? undefined : { group, version, resource, namespace, name, subresource };
  }
  if (rest[0] === 'namespaces' && rest.length === 2)
    return { group, version, resource: 'namespaces', name: rest[1] };
  const [resource = '', name, ...extra] = rest;
  if (extra.length || (name !== undefined && resource !== 'namespaces')) return undefined;
  return { group, version, resource, name };
}

function discoveryDocument(pathname: string, serverAddress: string): unknown {
  if (pathname === '/version') return versionInfo();
  if (pathname === '/api') return apiVersions(serverAddress);
  if (pathname === '/api/v1') return apiResourceList('v1');
  if (pathname === '/apis') return apiGroupList();
  const group = /^\/apis\/([^/]+)$/.exec(pathname);
  if (group) return apiGroup(group[1] ?? '') ?? notFoundDoc();
  const version = /^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (version) return apiResourceList(`${version[1]}/${version[2]}`) ?? notFoundDoc();
  return undefined;
}

function notFoundDoc(): never {
  throw unknownPath();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType && !contentType.includes('json')) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    return new Error(`error decoding request body: ${(error as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const status =
    error instanceof ApiError
      ? error.status
      : {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `Internal error occurred: ${String(error)}`,
          reason: 'InternalError',
          code: 500,
        };
  const text = JSON.stringify(status);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  };
  if (status.code === 429) headers['Retry-After'] = '1';
  res.writeHead(status.code, headers);
  res.end(text);
}
