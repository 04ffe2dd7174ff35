import { PermanentError } from '../../errors/rollback-error.js';
import type { RegistryCredential } from '../../rollback/ports/image-registry.js';
import { mapFetchFailure, mapRegistryStatus, type RegistryCall } from './registry-errors.js';

export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

export interface RegistryToken {
  /** The value for `Authorization: Bearer …`. */
  token: string;
  /** How long the token may be used, already shortened by a safety margin. */
  ttlMs: number;
}

/** The distribution spec: a token without `expires_in` lasts 60 seconds. */
const DEFAULT_EXPIRES_IN_SECONDS = 60;

/**
 * The registry token flow (distribution "token authentication"): GET the challenge's realm with its
 * service and scope, with Basic credentials when the service has some (anonymous otherwise), and read
 * `token` (or `access_token`) and `expires_in` from the JSON answer.
 */
export async function fetchRegistryToken(
  challenge: BearerChallenge,
  options: {
    call: RegistryCall;
    credential: RegistryCredential | undefined;
    /** Plain HTTP is allowed for the realm (the registry is configured insecure). */
    insecure: boolean;
    timeoutMs: number;
    signal?: AbortSignal;
    userAgent: string;
  },
): Promise<RegistryToken> {
  const { call, credential } = options;
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch (error) {
    throw new PermanentError(
      'registry_rejected',
      `The registry ${call.registryHost} named a token service that is not a URL.`,
      { cause: error },
    );
  }
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && options.insecure)) {
    throw new PermanentError(
      'registry_insecure_realm',
      `The registry ${call.registryHost} sends the bot to a token service over ${realm.protocol.replace(':', '')} (${realm.host}); the bot only sends credentials over HTTPS.`,
      {
        hint: 'Use the registry over HTTPS, or set kubernetes.registry.insecure: true for a local registry.',
      },
    );
  }
  if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
  if (challenge.scope !== undefined) {
    for (const scope of challenge.scope.split(' ').filter(Boolean)) realm.searchParams.append('scope', scope);
  }
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': options.userAgent };
  if (credential) headers['Authorization'] = credential.basicAuthorization();
  const signal = options.signal
    ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
    : AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(realm, { headers, signal, redirect: 'follow' });
  } catch (error) {
    throw mapFetchFailure(error, call, options.timeoutMs, options.signal);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw mapRegistryStatus(response.status, call, {
      credentialSource: credential?.source,
      endpoint: 'token',
    });
  }
  const body = (await response.json().catch(() => undefined)) as
    { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
  const token = typeof body?.token === 'string' ? body.token : body?.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new PermanentError(
      'registry_rejected',
      `The token service of ${call.registryHost} answered without a token.`,
    );
  }
  const expiresIn =
    typeof body?.expires_in === 'number' && body.expires_in > 0
      ? body.expires_in
      : DEFAULT_EXPIRES_IN_SECONDS;
  // Use a token for at most 90% of its life, so it does not expire between our check and the request.
  return { token, ttlMs: Math.floor(expiresIn * 900) };
}
