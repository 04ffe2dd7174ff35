/**
 * A fake OCI distribution registry for tests: real HTTP on an ephemeral port, repositories with tags and
 * manifests addressed by digest, `HEAD`/`GET /v2/<name>/manifests/<ref>`, the Bearer token flow (a
 * `/token` realm that checks Basic credentials and scope) or plain Basic auth, switchable faults
 * (404, 401, 5xx, 429, slow answers), a log of requests, and mutable tags.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryStore } from './registry-store.js';
import {
  createRegistryHandler,
  sendRegistryError,
  type RecordedRegistryRequest,
  type RegistryFault,
} from './registry-router.js';
import { TokenService } from './token-service.js';

export { OCI_INDEX, OCI_MANIFEST } from './registry-store.js';
export type { FaultTarget, RecordedRegistryRequest, RegistryFault } from './registry-router.js';

export interface FakeRegistryOptions {
  /** How pulls are authorized: the token flow (default), HTTP Basic, or not at all. */
  auth?: 'bearer' | 'basic' | 'none';
  /** user → password accepted by the token service (and Basic auth). */
  users?: Record<string, string>;
  /** `expires_in` of issued tokens. Default 300. */
  tokenTtlSeconds?: number;
  /** Answer manifests without Docker-Content-Digest (some registries and proxies do). */
  omitDigestHeader?: boolean;
}

export interface FakeRegistry {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  pushImage(repository: string, tag: string, options?: { mediaType?: string }): string;
  retag(repository: string, tag: string, digest: string): void;
  deleteTag(repository: string, tag: string): void;
  digestOf(repository: string, tag: string): string | undefined;
  /** What a node pulling `<host>/<repository>:<tag>` from this registry gets now (undefined: other registry or no tag). */
  digestOfImage(image: string): string | undefined;
  /** Private repositories are pulled only by the listed users; the rest are public. */
  setAccess(repository: string, access: { public: true } | { public: false; users: string[] }): void;
  injectFault(fault: RegistryFault): void;
  clearFaults(): void;
  expireTokens(): void;
  readonly tokensIssued: number;
  requests: RecordedRegistryRequest[];
  close(): Promise<void>;
}

export const SERVICE = 'fake-registry';

export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const mode = options.auth ?? 'bearer';
  const store = new RegistryStore();
  const tokens = new TokenService(
    store,
    new Map(Object.entries(options.users ?? {})),
    SERVICE,
    options.tokenTtlSeconds ?? 300,
  );
  const faults: (RegistryFault & { left: number })[] = [];
  const requests: RecordedRegistryRequest[] = [];
  let url = '';

  const handle = createRegistryHandler({
    mode,
    store,
    tokens,
    faults,
    requests,
    service: SERVICE,
    omitDigestHeader: options.omitDigestHeader === true,
    baseUrl: () => url,
  });
  const server = createServer((req, res) => {
    req.resume();
    handle(req, res).catch((error: unknown) => sendRegistryError(res, error, req.method ?? 'GET'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    host: `127.0.0.1:${port}`,
    requests,
    get tokensIssued() {
      return tokens.issued;
    },
    pushImage: (repository, tag, pushOptions) => store.push(repository, tag, pushOptions?.mediaType),
    retag: (repository, tag, digest) => store.retag(repository, tag, digest),
    deleteTag: (repository, tag) => store.deleteTag(repository, tag),
    digestOf: (repository, tag) => store.digestOf(repository, tag),
    digestOfImage(image) {
      if (!image.startsWith(`127.0.0.1:${port}/`)) return undefined;
      const name = image.slice(`127.0.0.1:${port}/`.length);
      const colon = name.lastIndexOf(':');
      return colon < 0
        ? store.digestOf(name, 'latest')
        : store.digestOf(name.slice(0, colon), name.slice(colon + 1));
    },
    setAccess: (repository, access) => store.setAccess(repository, access),
    injectFault: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    clearFaults: () => faults.splice(0),
    expireTokens: () => tokens.expireAll(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
