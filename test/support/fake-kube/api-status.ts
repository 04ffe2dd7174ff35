/** metav1.Status bodies, shaped like the ones kube-apiserver sends. */
export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An API failure the router turns into an HTTP response. */
export class ApiError extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message);
  }
}

export interface ResourceRef {
  /** Plural resource, e.g. "deployments". */
  resource: string;
  /** API group, "" for core. */
  group: string;
  name?: string;
}

function status(code: number, reason: string, message: string, details?: ApiStatus['details']): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function detailsOf(ref: ResourceRef): NonNullable<ApiStatus['details']> {
  return {
    ...(ref.name ? { name: ref.name } : {}),
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  };
}

export function notFound(ref: ResourceRef): ApiError {
  return status(404, 'NotFound', `${qualified(ref)} "${ref.name ?? ''}" not found`, detailsOf(ref));
}

export function unknownPath(): ApiError {
  return status(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(ref: ResourceRef): ApiError {
  return status(409, 'AlreadyExists', `${qualified(ref)} "${ref.name ?? ''}" already exists`, detailsOf(ref));
}

export function conflict(ref: ResourceRef): ApiError {
  return status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(ref),
  );
}

export function invalid(
  kind: string,
  name: string,
  group: string,
  causes: { field: string; message: string }[],
): ApiError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return status(422, 'Invalid', `${kind}.${group || 'core'} "${name}" is invalid: ${summary}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

export function badRequest(message: string): ApiError {
  return status(400, 'BadRequest', message);
}

export function unprocessable(message: string): ApiError {
  return status(422, 'Invalid', message);
}

export function methodNotAllowed(verb: string): ApiError {
  return status(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${verb})`,
    {},
  );
}

export function unsupportedMediaType(
  contentType: string,
  accepted = 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
): ApiError {
  return status(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted} (got ${contentType})`,
  );
}

export function unauthorized(): ApiError {
  return status(401, 'Unauthorized', 'Unauthorized');
}

export function gone(message: string): ApiError {
  return status(410, 'Expired', message);
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Status for an injected fault: the message kube-apiserver would give for that code. */
export function faultStatus(
  code: number,
  reason?: string,
  object?: { qualifiedResource: string; name: string },
): ApiError {
  const why = reason ?? REASON_BY_CODE[code] ?? 'Unknown';
  const messages: Record<string, string> = {
    InternalError: 'Internal error occurred: fake-kube injected fault',
    Conflict: `Operation cannot be fulfilled on ${object ? `${object.qualifiedResource} "${object.name}"` : 'the object'}: the object has been modified; please apply your changes to the latest version and try again`,
    TooManyRequests: 'Too many requests, please try again later.',
    ServiceUnavailable: 'the server is currently unable to handle the request',
    Timeout:
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    Forbidden: 'forbidden: fake-kube injected fault',
    Unauthorized: 'Unauthorized',
    NotFound: 'the server could not find the requested resource',
  };
  const details = code === 429 ? { retryAfterSeconds: 1 } : undefined;
  return status(code, why, messages[why] ?? `fake-kube injected fault (${code} ${why})`, details);
}
