import { ApiException } from '@kubernetes/client-node';
import {
  CancelledError,
  PermanentError,
  RetryableError,
  RollbackError,
} from '../../errors/rollback-error.js';

/** What was being done, to name it in messages: `read Deployment "kaizen"` in context fake, namespace prod. */
export interface KubernetesCall {
  verb: string;
  /** `Deployment "kaizen"`, `pods (app=kaizen)`. */
  object: string;
  context: string;
  namespace: string;
  /** The call was a PATCH carrying a JSON Patch `test` operation (a precondition). */
  precondition?: boolean;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** The `message` of a Kubernetes Status body, if the body is one. Never the headers. */
export function statusMessage(body: unknown): string | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.slice(0, 300) || undefined;
    }
  }
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message;
  }
  return undefined;
}

function httpStatus(error: unknown): { code: number; body: unknown } | undefined {
  if (error instanceof ApiException) return { code: error.code, body: error.body };
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number') return { code: statusCode, body: undefined };
  return undefined;
}

/**
 * Turns anything client-node throws into the domain's errors: transient trouble (409, 429, 5xx, network,
 * timeouts) is retryable; 404, 401/403 and rejected requests are permanent with a plain message and hint.
 */
export function mapKubernetesError(
  error: unknown,
  call: KubernetesCall,
  signal?: AbortSignal,
): RollbackError {
  if (error instanceof RollbackError) return error;
  if (signal?.aborted) return new CancelledError(undefined, { cause: error });
  const where = `context ${call.context}, namespace ${call.namespace}`;
  const http = httpStatus(error);
  if (http) {
    const detail = statusMessage(http.body);
    const suffix = detail ? `: ${detail}` : '';
    const { code } = http;
    if (code === 404) {
      return new PermanentError('kubernetes_not_found', `${call.object} was not found in ${where}.`, {
        cause: error,
        hint: 'Check kubernetes.context, kubernetes.namespace and kubernetes.deployment in the service YAML.',
      });
    }
    if (code === 401 || code === 403) {
      const message =
        code === 401
          ? `The Kubernetes API of context ${call.context} rejected the bot's credentials (401) when trying to ${call.verb} ${call.object}.`
          : `The bot is not allowed to ${call.verb} ${call.object} in ${where} (403)${suffix}`;
      return new PermanentError('kubernetes_forbidden', message, {
        cause: error,
        hint:
          `Check the bot's RBAC: its service account needs a Role in namespace ${call.namespace} with get/list/watch/patch on ` +
          'deployments, list on replicasets, list on pods and events, get on pods/log (and get on secrets and ' +
          'configmaps for registry credentials and config drift checks), bound by a RoleBinding ' +
          `(kubectl auth can-i --list -n ${call.namespace} --as=<the bot's user>).` +
          (code === 401 ? ' The credentials may also have expired: refresh the kubeconfig or token.' : ''),
      });
    }
    if (code === 409 || (code === 422 && call.precondition && /test/i.test(detail ?? ''))) {
      return new RetryableError(
        'kubernetes_conflict',
        `${call.object} changed while the bot tried to ${call.verb} it (${code})${suffix}`,
        {
          cause: error,
        },
      );
    }
    if (code === 408 || code === 410 || code === 429 || code >= 500) {
      return new RetryableError(
        'kubernetes_unavailable',
        `The Kubernetes API of context ${call.context} answered ${code} to ${call.verb} ${call.object}${suffix}`,
        {
          cause: error,
        },
      );
    }
    return new PermanentError(
      'kubernetes_rejected',
      `The Kubernetes API rejected the request to ${call.verb} ${call.object} in ${where} (${code})${suffix}`,
      {
        cause: error,
      },
    );
  }
  const name = (error as { name?: unknown } | null)?.name;
  const errno = (error as { code?: unknown } | null)?.code;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new RetryableError(
      'kubernetes_unavailable',
      `The Kubernetes API of context ${call.context} did not answer in time to ${call.verb} ${call.object}.`,
      {
        cause: error,
      },
    );
  }
  if (name === 'FetchError' || (typeof errno === 'string' && NETWORK_CODES.has(errno))) {
    const reason = typeof errno === 'string' ? errno : 'network error';
    if (typeof errno === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(errno)) {
      return new PermanentError(
        'kubernetes_tls',
        `TLS to the Kubernetes API of context ${call.context} failed (${reason}).`,
        {
          cause: error,
          hint: "Check the cluster's certificate-authority in the kubeconfig.",
        },
      );
    }
    return new RetryableError(
      'kubernetes_unavailable',
      `Cannot reach the Kubernetes API of context ${call.context} (${reason}) to ${call.verb} ${call.object}.`,
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PermanentError(
    'kubernetes_error',
    `Failed to ${call.verb} ${call.object} in ${where}: ${message}`,
    { cause: error },
  );
}
