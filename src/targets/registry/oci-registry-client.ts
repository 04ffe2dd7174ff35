import { createHash } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import { PermanentError } from '../../errors/rollback-error.js';
import {
  formatImageReference,
  isDigest,
  manifestReference,
  parseImageReference,
  withReference,
  type ImageReference,
} from '../../rollback/images/image-reference.js';
import type {
  ImageRegistry,
  ManifestCheck,
  ManifestCheckOptions,
  RegistryAccess,
  RegistryCredential,
} from '../../rollback/ports/image-registry.js';
import { retryWithBackoff, type RetryPolicy } from '../../rollback/retry-with-backoff.js';
import { fetchRegistryToken } from './fetch-registry-token.js';
import { parseWwwAuthenticate } from './parse-www-authenticate.js';
import { mapFetchFailure, mapRegistryStatus, type RegistryCall } from './registry-errors.js';
import { RegistryTokenCache } from './registry-token-cache.js';

/** Index and manifest types of OCI and Docker, so a registry answers for multi-arch images too. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The distribution spec lets registries refuse manifests above 4 MiB; we read no more than that. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface OciRegistryClientOptions {
  access: RegistryAccess;
  log: Logger;
  /** Timeout of each HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Retries of unreachable registries, 5xx and 429. Default 3 attempts from 250 ms. */
  retry?: RetryPolicy;
  /** Shared between clients of one factory; tokens are keyed by host, repository and credential. */
  tokenCache?: RegistryTokenCache;
  userAgent?: string;
}

interface Target {
  image: ImageReference;
  url: string;
  call: RegistryCall;
}

/**
 * The ImageRegistry port over the OCI distribution API: `HEAD /v2/<name>/manifests/<ref>`, the Bearer
 * token flow on a 401 challenge (or Basic when the registry asks for it), one retry with the new token,
 * and the digest from `Docker-Content-Digest` (or the sha256 of the manifest from a GET when a registry
 * omits the header). Logs hosts and repositories, never credentials or tokens.
 */
export class OciRegistryClient implements ImageRegistry {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly tokens: RegistryTokenCache;
  private readonly userAgent: string;

  constructor(private readonly options: OciRegistryClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };
    this.tokens = options.tokenCache ?? new RegistryTokenCache();
    this.userAgent = options.userAgent ?? 'rollback-bot';
  }

  async manifestExists(
    image: string | ImageReference,
    reference: string,
    options: ManifestCheckOptions = {},
  ): Promise<ManifestCheck> {
    const parsed = withReference(typeof image === 'string' ? parseImageReference(image) : image, reference);
    const scheme = this.options.access.insecure ? 'http' : 'https';
    const ref = manifestReference(parsed);
    const target: Target = {
      image: parsed,
      url: `${scheme}://${parsed.registryHost}/v2/${parsed.repository}/manifests/${ref}`,
      call: {
        registryHost: parsed.registryHost,
        what: `${parsed.repository}${isDigest(ref) ? '@' : ':'}${ref}`,
      },
    };
    return retryWithBackoff(() => this.checkOnce(target, options.signal), this.retry, {
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (error, attempt, delayMs) =>
        this.options.log.warn(
          {
            registry: parsed.registryHost,
            image: formatImageReference(parsed),
            attempt,
            delayMs,
            err: (error as Error).message,
          },
          'registry check failed, retrying',
        ),
    });
  }

  private async checkOnce(target: Target, signal: AbortSignal | undefined): Promise<ManifestCheck> {
    const credential = await this.options.access.credentials?.(target.image.registryHost, signal);
    const cacheKey = RegistryTokenCache.key(
      target.image.registryHost,
      target.image.repository,
      credential ? `${credential.username}@${credential.source}` : undefined,
    );
    let authorization = this.tokens.get(cacheKey);
    let response = await this.request('HEAD', target, authorization, signal);
    if (response.status === 401) {
      this.tokens.delete(cacheKey);
      authorization = await this.answerChallenge(response, target, credential, cacheKey, signal);
      response = await this.request('HEAD', target, authorization, signal);
    }
    if (response.status === 404) return { exists: false };
    if (response.status !== 200)
      throw mapRegistryStatus(response.status, target.call, { credentialSource: credential?.source });
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    const digest = response.headers.get('docker-content-digest')?.trim();
    const found =
      digest && isDigest(digest) ? digest : await this.digestFromBody(target, authorization, signal);
    return { exists: true, digest: found, ...(mediaType ? { mediaType } : {}) };
  }

  /** The Authorization value a 401 challenge asks for: a Bearer token from its realm, or Basic. */
  private async answerChallenge(
    response: Response,
    target: Target,
    credential: RegistryCredential | undefined,
    cacheKey: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params['realm']);
    if (bearer) {
      const { realm = '', service, scope } = bearer.params;
      const token = await fetchRegistryToken(
        {
          realm,
          ...(service !== undefined ? { service } : {}),
          scope: scope ?? `repository:${target.image.repository}:pull`,
        },
        {
          call: target.call,
          credential,
          insecure: this.options.access.insecure === true,
          timeoutMs: this.timeoutMs,
          userAgent: this.userAgent,
          ...(signal ? { signal } : {}),
        },
      );
      const authorization = `Bearer ${token.token}`;
      this.tokens.set(cacheKey, authorization, token.ttlMs);
      return authorization;
    }
    if (challenges.some((c) => c.scheme === 'basic') && credential) {
      const authorization = credential.basicAuthorization();
      this.tokens.set(cacheKey, authorization, Number.POSITIVE_INFINITY);
      return authorization;
    }
    throw mapRegistryStatus(401, target.call, { credentialSource: credential?.source });
  }

  /** For registries that omit Docker-Content-Digest: GET the manifest and hash exactly the bytes served. */
  private async digestFromBody(
    target: Target,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const pinned = target.image.digest;
    if (pinned !== undefined) return pinned;
    const response = await this.request('GET', target, authorization, signal);
    if (response.status !== 200) throw mapRegistryStatus(response.status, target.call);
    const bytes = await readAtMost(response, MAX_MANIFEST_BYTES);
    if (bytes === undefined)
      throw new PermanentError(
        'registry_rejected',
        `The manifest of ${target.call.what} is larger than 4 MiB.`,
      );
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  private async request(
    method: 'HEAD' | 'GET',
    target: Target,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT, 'User-Agent': this.userAgent };
    if (authorization) headers['Authorization'] = authorization;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(target.url, {
        method,
        headers,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        redirect: 'follow',
      });
      if (method === 'HEAD' || response.status !== 200) await response.body?.cancel();
      return response;
    } catch (error) {
      throw mapFetchFailure(error, target.call, this.timeoutMs, signal);
    }
  }
}

/** The body, or undefined (and the rest cancelled) when it is longer than `limit` bytes. */
async function readAtMost(response: Response, limit: number): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}
