/**
 * A copy of a configuration value that is safe to print (`config check`, logs): secret-looking values are
 * replaced by "[redacted]". The input is not changed.
 *
 * Redacted:
 * - values of fields whose name has a secret word (token, password, secret, key, authorization, credential,
 *   cookie, webhook...), in any case and in camelCase, snake_case or kebab-case (`botToken`, `api_key`,
 *   `X-Api-Key`), unless the name ends in a word that names where the secret is kept rather than the secret
 *   (`tokenFile`, `privateKeyPath`, `secretName`, `secretRef`);
 * - strings that carry credentials wherever they appear: URLs with a password (`https://u:p@host`) or a
 *   secret query parameter (`?token=`), Slack tokens (`xoxb-...`) and webhook URLs, `Bearer`/`Basic`
 *   credentials, and `--password=...`-style arguments.
 */
export const REDACTED = '[redacted]';

const SECRET_WORDS = new Set([
  'token',
  'tokens',
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'key',
  'keys',
  'apikey',
  'authorization',
  'auth',
  'credential',
  'credentials',
  'cookie',
  'webhook',
  'webhooks',
  'signature',
]);
/** A last word that says where a secret is, not what it is. */
const LOCATION_WORDS = new Set(['file', 'path', 'name', 'ref', 'env', 'id', 'dir']);

const SECRET_QUERY = /[?&](?:[^=&#]*(?:token|secret|password|passwd|key|sig|signature|auth)[^=&#]*)=/i;
const SECRET_VALUE =
  /^(?:xox[abposr]-|xapp-|gh[pousr]_|glpat-|(?:Bearer|Basic|Token)\s)|hooks\.slack\.com\/(?:services|workflows|triggers)\/|^--?[\w-]*(?:password|passwd|token|secret|api-?key)[\w-]*=/i;

/** True when a field named `key` holds a secret (see the module comment). */
export function isSecretField(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  const last = words.at(-1);
  if (last === undefined || LOCATION_WORDS.has(last)) return false;
  return words.some((word) => SECRET_WORDS.has(word)) || SECRET_WORDS.has(words.join(''));
}

/** True when a string value carries a credential whatever field it is in. */
export function isSecretValue(value: string): boolean {
  if (SECRET_VALUE.test(value)) return true;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.password !== '' || SECRET_QUERY.test(url.search);
  } catch {
    // Not parseable (an unencoded / ? # in a password): anything with credentials before the host is secret.
    return /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*@/i.test(value);
  }
}

export function redactConfig(value: unknown): unknown {
  return redact(value, new WeakSet());
}

/** `ancestors` holds the objects being copied above this one, so only true cycles become "[circular]". */
function redact(value: unknown, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return isSecretValue(value) ? REDACTED : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => redact(item, ancestors));
  } else {
    const fields: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const hide = isSecretField(key) && item !== undefined && item !== null && item !== '';
      fields[key] = hide ? REDACTED : redact(item, ancestors);
    }
    copy = fields;
  }
  ancestors.delete(value);
  return copy;
}
