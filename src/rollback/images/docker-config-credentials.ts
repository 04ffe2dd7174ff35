import { RegistryCredential } from '../ports/image-registry.js';
import { DOCKER_HUB_REGISTRY } from './image-reference.js';

/** Names Docker Hub goes by in docker config files; all mean the registry at registry-1.docker.io. */
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
}

/**
 * The host (and port) a docker config key names: `https://index.docker.io/v1/` is Docker Hub,
 * `registry.example.com:5000/` is `registry.example.com:5000`. Lowercased; undefined when it names nothing.
 */
export function normalizeRegistryKey(key: string): string | undefined {
  const withoutScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0]?.toLowerCase();
  if (!host) return undefined;
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_REGISTRY : host;
}

/** kubelet's matching: the same host and port, or a `*.example.com` key for one more label in front. */
function keyMatches(key: string, registryHost: string): boolean {
  const host = registryHost.toLowerCase();
  const wanted = DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_REGISTRY : host;
  if (key === wanted) return true;
  if (!key.startsWith('*.')) return false;
  const [keyHost, keyPort] = key.slice(2).split(':');
  const [name = '', port] = wanted.split(':');
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === keyHost && keyPort === port;
}

function credentialOf(entry: AuthEntry, source: string): RegistryCredential | undefined {
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '')
    return new RegistryCredential(entry.username, entry.password, source);
  if (typeof entry.auth !== 'string' || entry.auth === '') return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0
    ? new RegistryCredential(decoded.slice(0, colon), decoded.slice(colon + 1), source)
    : undefined;
}

/**
 * The credential for `registryHost` in a docker config (`{"auths": {host: {auth | username, password}}}`,
 * the `kubernetes.io/dockerconfigjson` format) or a legacy `.dockercfg` (`{host: {auth}}`). Undefined when
 * the text is not such a document or has no entry for the host. Never includes the text in errors.
 */
export function credentialFromDockerConfig(
  text: string,
  registryHost: string,
  source: string,
): RegistryCredential | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (document === null || typeof document !== 'object') return undefined;
  const auths = (document as { auths?: unknown }).auths ?? document;
  if (auths === null || typeof auths !== 'object') return undefined;
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    const normalized = normalizeRegistryKey(key);
    if (normalized === undefined || entry === null || typeof entry !== 'object') continue;
    if (keyMatches(normalized, registryHost)) {
      const credential = credentialOf(entry as AuthEntry, source);
      if (credential) return credential;
    }
  }
  return undefined;
}
