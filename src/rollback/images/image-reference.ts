import { InputError } from '../../errors/rollback-error.js';

/**
 * A container image reference split the way container runtimes read it (distribution/reference):
 * `kaizen:v0.7.0` is `docker.io/library/kaizen:v0.7.0`, `registry.example.com:5000/team/kaizen@sha256:…`
 * names a host with a port, a nested repository and a digest.
 */
export interface ImageReference {
  /** The registry as people write it: `docker.io`, `registry.example.com:5000`, `localhost`. */
  domain: string;
  /** The host (and port) the registry API answers on: `registry-1.docker.io` for Docker Hub. */
  registryHost: string;
  /** The repository path inside the registry: `library/kaizen`, `team/kaizen`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` (or another algorithm) when the reference pins a digest. */
  digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN =
  /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;

/** True for `v0.7.0`, false for `sha256:…` (use {@link isDigest}) or anything a tag cannot be. */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

function invalid(text: string, why: string): InputError {
  return new InputError('image_reference_invalid', `"${text}" is not a valid image reference: ${why}.`, {
    hint: 'Write it like kaizen, kaizen:v0.7.0, registry.example.com:5000/team/kaizen or kaizen@sha256:<digest>.',
  });
}

/** Splits `[domain/]path[:tag][@digest]`: the first component is a domain when it has `.` or `:`, or is localhost. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { domain: first, path: name.slice(slash + 1) };
  }
  return { domain: DOCKER_HUB_DOMAIN, path: name };
}

/** Parses an image reference; throws InputError `image_reference_invalid` with what is wrong. */
export function parseImageReference(text: string): ImageReference {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 255 * 2) throw invalid(text, 'it is empty or too long');
  const at = trimmed.indexOf('@');
  const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
  const beforeDigest = at >= 0 ? trimmed.slice(0, at) : trimmed;
  if (digest !== undefined && !isDigest(digest)) throw invalid(text, `"${digest}" is not a digest`);
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const tag = hasTag ? beforeDigest.slice(colon + 1) : undefined;
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  if (tag !== undefined && !isTag(tag)) throw invalid(text, `"${tag}" is not a valid tag`);
  const { domain: written, path } = splitDomain(name);
  if (!DOMAIN.test(written)) throw invalid(text, `"${written}" is not a registry host`);
  const components = path.split('/');
  if (components.some((c) => !COMPONENT.test(c)))
    throw invalid(text, 'the repository must be lowercase letters, digits and . _ - separated by /');
  const domain = written === 'index.docker.io' ? DOCKER_HUB_DOMAIN : written;
  const repository = domain === DOCKER_HUB_DOMAIN && components.length === 1 ? `library/${path}` : path;
  if (repository.length > 255) throw invalid(text, 'the repository name is longer than 255 characters');
  return {
    domain,
    registryHost: domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_REGISTRY : domain,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The same image at another tag or digest (`reference` is either). Throws InputError when it is neither. */
export function withReference(image: ImageReference, reference: string): ImageReference {
  const { tag: _tag, digest: _digest, ...name } = image;
  if (isDigest(reference)) return { ...name, digest: reference };
  if (isTag(reference)) return { ...name, tag: reference };
  throw new InputError(
    'image_reference_invalid',
    `"${reference}" is neither a tag nor a digest of ${formatImageReference(name)}.`,
    { hint: 'Tags are letters, digits, _ . - (at most 128); digests look like sha256:<64 hex digits>.' },
  );
}

/** The fully qualified reference: `docker.io/library/kaizen:v0.7.0`, `host:5000/team/kaizen@sha256:…`. */
export function formatImageReference(image: ImageReference): string {
  const tag = image.tag !== undefined ? `:${image.tag}` : '';
  const digest = image.digest !== undefined ? `@${image.digest}` : '';
  return `${image.domain}/${image.repository}${tag}${digest}`;
}

/** What the registry API calls the manifest: the digest when pinned, else the tag (`latest` when neither). */
export function manifestReference(image: ImageReference): string {
  return image.digest ?? image.tag ?? 'latest';
}
