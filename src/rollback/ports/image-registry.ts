import type { ImageReference } from '../images/image-reference.js';

/** What the registry says about one tag or digest of an image. */
export type ManifestCheck =
  | {
      exists: true;
      /** `sha256:<hex>`: the registry's Docker-Content-Digest, or the hash of the manifest it served. */
      digest: string;
      /** The manifest's media type (OCI index/manifest, Docker manifest list/v2), when the registry said. */
      mediaType?: string;
    }
  | { exists: false };

export interface ManifestCheckOptions {
  signal?: AbortSignal;
}

/**
 * An OCI distribution registry (Docker Hub, GHCR, ECR, Harbor, a local registry). Implemented in
 * `targets/registry` over the distribution API (`HEAD /v2/<name>/manifests/<ref>`) with the registry
 * token flow. Throws RetryableError when the registry is unreachable, answers 5xx or 429 or times out,
 * and PermanentError when it refuses the bot (401 after authenticating, 403) or answers nonsense; the
 * messages name the registry and repository, never a credential.
 */
export interface ImageRegistry {
  /**
   * Whether `image` (a repository like `registry.example.com/team/kaizen`, or a parsed reference) has a
   * manifest for `reference` (a tag like `v0.7.0` or a digest `sha256:…`), and its digest if so.
   */
  manifestExists(
    image: string | ImageReference,
    reference: string,
    options?: ManifestCheckOptions,
  ): Promise<ManifestCheck>;
}

/**
 * A user name and password (or token) for one registry. The password is kept out of JSON and `inspect`
 * output, so a credential that reaches a log line shows `[redacted]`.
 */
export class RegistryCredential {
  readonly #password: string;

  constructor(
    readonly username: string,
    password: string,
    /** Where it came from, for messages: `imagePullSecret kaizen-pull`, `env REGISTRY_AUTH`. */
    readonly source: string,
  ) {
    this.#password = password;
  }

  /** The value of an `Authorization: Basic …` header. */
  basicAuthorization(): string {
    return `Basic ${Buffer.from(`${this.username}:${this.#password}`, 'utf8').toString('base64')}`;
  }

  toJSON(): { username: string; password: '[redacted]'; source: string } {
    return { username: this.username, password: '[redacted]', source: this.source };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RegistryCredential(${this.username}, [redacted], ${this.source})`;
  }
}

/**
 * Finds the credential for a registry host (`registry.example.com:5000`, `registry-1.docker.io`), or
 * undefined to pull anonymously. May read Kubernetes Secrets or files; throws domain errors.
 */
export type RegistryCredentialsLookup = (
  registryHost: string,
  signal?: AbortSignal,
) => Promise<RegistryCredential | undefined>;

export interface RegistryAccess {
  credentials?: RegistryCredentialsLookup;
  /** Talk plain HTTP to the registry (a local registry); credentials then also travel in clear text. */
  insecure?: boolean;
}

/** Builds a registry client for one service's settings (credentials, plain HTTP or not). */
export type ImageRegistryFactory = (access: RegistryAccess) => ImageRegistry;
