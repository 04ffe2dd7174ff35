import {
  CancelledError,
  PermanentError,
  RetryableError,
  type RollbackError,
} from '../../errors/rollback-error.js';

/** What the bot was doing, for messages: `check kaizen:v0.7.0 on registry.example.com`. */
export interface RegistryCall {
  registryHost: string;
  /** `team/kaizen:v0.7.0` or `team/kaizen@sha256:…`. */
  what: string;
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
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The errno-like code of a failed fetch (`fetch failed` wraps the real error in `cause`). */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A fetch that threw: the caller's cancel, a timeout, an unreachable host or a TLS failure. Never includes
 * request headers (they may carry credentials).
 */
export function mapFetchFailure(
  error: unknown,
  call: RegistryCall,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): RollbackError {
  if (signal?.aborted) return new CancelledError(undefined, { cause: error });
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(
      'registry_unavailable',
      `The registry ${call.registryHost} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)}s`} (checking ${call.what}).`,
      { cause: error },
    );
  }
  const code = networkCode(error);
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new PermanentError(
      'registry_tls',
      `TLS to the registry ${call.registryHost} failed (${code}) while checking ${call.what}.`,
      {
        cause: error,
        hint: 'The registry certificate is not trusted: add its CA to the bot (NODE_EXTRA_CA_CERTS).',
      },
    );
  }
  if (code === undefined || NETWORK_CODES.has(code) || name === 'TypeError') {
    return new RetryableError(
      'registry_unavailable',
      `Cannot reach the registry ${call.registryHost} (${code ?? 'network error'}) to check ${call.what}.`,
      { cause: error },
    );
  }
  return new RetryableError(
    'registry_unavailable',
    `The request to the registry ${call.registryHost} failed (${code}) while checking ${call.what}.`,
    { cause: error },
  );
}

/** A registry answer that is neither 200 nor 404; `credentialSource` names the credentials that were sent. */
export function mapRegistryStatus(
  status: number,
  call: RegistryCall,
  options: { credentialSource?: string | undefined; endpoint?: 'token' } = {},
): RollbackError {
  const where =
    options.endpoint === 'token'
      ? `The token service of ${call.registryHost}`
      : `The registry ${call.registryHost}`;
  if (status === 429 || status >= 500 || status === 408) {
    return new RetryableError(
      'registry_unavailable',
      `${where} answered ${status} while checking ${call.what}.`,
    );
  }
  if (status === 401) {
    const message = options.credentialSource
      ? `${where} rejected the credentials from ${options.credentialSource} (401) for ${call.what}.`
      : `${where} needs credentials to read ${call.what} (401), and none are configured for it.`;
    return new PermanentError('registry_unauthorized', message, {
      hint: options.credentialSource
        ? 'Check that the credentials are current and may pull this repository.'
        : 'Give the service registry credentials (kubernetes.registry in its YAML) or an imagePullSecret on the Deployment; the repository may also not exist.',
    });
  }
  if (status === 403) {
    return new PermanentError(
      'registry_forbidden',
      `${where} refused access to ${call.what} (403)${options.credentialSource ? ` with the credentials from ${options.credentialSource}` : ''}.`,
      { hint: 'The account lacks pull permission on this repository.' },
    );
  }
  return new PermanentError('registry_rejected', `${where} answered ${status} while checking ${call.what}.`);
}
