/**
 * A request in Kubernetes RBAC terms, as the API server's RequestInfoFactory derives it before it asks the
 * authorizer: a verb on a resource (and subresource) of an API group in a namespace, or a verb on a
 * non-resource URL (discovery, /version, /healthz).
 */
export type RbacAttributes =
  | {
      kind: 'resource';
      verb: string;
      /** "" for the core group (/api/v1). */
      group: string;
      resource: string;
      subresource?: string;
      /** Absent for cluster-scoped requests and requests across all namespaces. */
      namespace?: string;
      name?: string;
    }
  | { kind: 'nonResource'; verb: string; path: string };

const WRITE_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/** `GET /apis/apps/v1/namespaces/default/deployments?watch=1` → watch deployments.apps in default. */
export function rbacAttributes(method: string, url: URL): RbacAttributes {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const http = method.toUpperCase();
  let rest: string[];
  let group: string;
  if (parts[0] === 'api' && parts.length >= 3) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1] ?? '', parts.slice(3)];
  else return { kind: 'nonResource', verb: http === 'HEAD' ? 'get' : http.toLowerCase(), path: url.pathname };

  // The deprecated /watch/ prefix (GET /api/v1/watch/namespaces/...) is a watch.
  let watchPath = false;
  if (rest[0] === 'watch') [watchPath, rest] = [true, rest.slice(1)];
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource] = rest;
  // GET /api/v1/namespaces/{name} is the namespace itself (a cluster-scoped resource).
  const isNamespaceObject = parts[0] === 'api' && rest.length === 0 && namespace !== undefined;
  const target = isNamespaceObject
    ? { resource: 'namespaces', name: namespace, namespace: undefined, subresource: undefined }
    : { resource, name, namespace, subresource };

  const watchQuery = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  let verb: string;
  if (http === 'GET' || http === 'HEAD') {
    verb = watchPath || watchQuery ? 'watch' : target.name === undefined ? 'list' : 'get';
  } else if (http === 'DELETE') verb = target.name === undefined ? 'deletecollection' : 'delete';
  else verb = WRITE_VERBS[http] ?? http.toLowerCase();
  return {
    kind: 'resource',
    verb,
    group,
    resource: target.resource,
    ...(target.subresource ? { subresource: target.subresource } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
    ...(target.name ? { name: target.name } : {}),
  };
}

/** `watch deployments.apps in web`, `get pods/log in web`, `get /version`: for messages. */
export function describeRbac(attributes: RbacAttributes): string {
  if (attributes.kind === 'nonResource') return `${attributes.verb} ${attributes.path}`;
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const group = attributes.group ? `.${attributes.group}` : '';
  const where = attributes.namespace ? ` in ${attributes.namespace}` : '';
  return `${attributes.verb} ${resource}${group}${where}`;
}
