import type { Logger } from '../../observability/logger.js';
import type { ImageRegistryFactory } from '../../rollback/ports/image-registry.js';
import type { RetryPolicy } from '../../rollback/retry-with-backoff.js';
import { OciRegistryClient } from './oci-registry-client.js';
import { RegistryTokenCache } from './registry-token-cache.js';

export interface ImageRegistryFactoryOptions {
  log: Logger;
  /** Timeout of each registry request. Default 10 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** How many tokens to keep (one per registry, repository and credential). Default 256. */
  maxCachedTokens?: number;
}

/** One token cache for every service, so repeated checks of a repository reuse its token until it expires. */
export function createImageRegistryFactory(options: ImageRegistryFactoryOptions): ImageRegistryFactory {
  const tokenCache = new RegistryTokenCache(options.maxCachedTokens ?? 256);
  const log = options.log.child({ component: 'registry' });
  return (access) =>
    new OciRegistryClient({
      access,
      log,
      tokenCache,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
}
