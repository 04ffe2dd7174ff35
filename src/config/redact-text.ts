import { isSecretField, REDACTED } from './redact-config.js';
import { redactBlocks } from './redact-text-blocks.js';

/**
 * Free text (logs, `systemctl show`, YAML and JSON dumps, env files, diffs, post-mortem drafts) with its
 * secrets replaced by "[redacted]". The same field-name rule as {@link isSecretField} decides which
 * `KEY=value` and `key: value` pairs are secret; on top of that, credentials are recognised by shape
 * wherever they appear:
 * - PEM private keys (the whole block, even when cut short), Kubernetes `Secret` data, YAML block scalars
 *   under a secret key, and `name: DB_PASSWORD` / `value: ...` pairs (container env);
 * - tokens: Slack (`xox[abposr]-`, `xapp-`, webhook URLs), GitHub (`gh[pousr]_`, `github_pat_`), GitLab,
 *   AWS access key ids (`AKIA...`), JWTs, `Bearer`/`Basic` credentials and `Authorization` headers;
 * - URL credentials (`scheme://user:pass@host`) and secret query parameters (`?token=`).
 * Booleans and empty values are kept (`automountServiceAccountToken: false` is no secret). Idempotent.
 */
export function redactText(text: string): string {
  return redactBlocks(text)
    .split('\n')
    .map((line) => redactLine(line))
    .join('\n');
}

const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]{6,}/g,
  /\bxapp-[A-Za-z0-9-]{6,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bglpat-[A-Za-z0-9_-]{16,}/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[A-Z0-9]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g,
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g,
];
const SLACK_WEBHOOK = /\bhooks\.slack\.com\/(?:services|workflows|triggers)\/[^\s"'<>)]+/g;
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{4,}/g;
const AUTH_HEADER = /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)([A-Za-z]+\s+[^\s"',;]+|[^\s"',;]+)/gi;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@"'<>]*):([^\s@/"'<>]+)@/gi;
const SECRET_QUERY =
  /([?&][^=&#\s]*(?:token|secret|password|passwd|key|sig|signature|auth)[^=&#\s]*=)[^&#\s"'<>]+/gi;
/** `KEY=value`, `--password=value`; the value is quoted or runs to a space or separator. */
const ASSIGNMENT = /(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]*)=(\[redacted\]|"[^"]*"|'[^']*'|[^\s"',;&)}\]<>]*)/g;
/** `key: value` at the start of a line (YAML): the value is the rest of the line. */
const YAML_PAIR = /^(\s*(?:-\s+)?)(["']?)([A-Za-z_][\w.-]*)\2(\s*:\s+)(\S.*)$/;
/** `key: value` or `"key": "value"` anywhere in a line (logs, one-line JSON); a value is never itself a `key:`. */
const INLINE_PAIR =
  /(?<![\w.-])(["']?)([A-Za-z_][\w.-]*)\1(\s*:\s*)(?!["']?[A-Za-z_][\w.-]*["']?\s*:(?!\/\/))(\[redacted\]|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;"'}\]]+)/g;
/** A JSON env entry: `{"name":"DB_PASSWORD","value":"..."}` (kubectl's last-applied annotation). */
const JSON_NAME_VALUE = /("name"\s*:\s*"([^"]+)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;
const NOT_SECRET_VALUE =
  /^(?:true|false|yes|no|on|off|null|~|[|>][-+0-9]*|["']?\[redacted\]["']?|""|''|\{\}|\[\])$/i;

function redactLine(line: string): string {
  let out = line;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
  out = out
    .replace(SLACK_WEBHOOK, `hooks.slack.com/${REDACTED}`)
    .replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(URL_PASSWORD, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(SECRET_QUERY, (_m, name: string) => `${name}${REDACTED}`)
    .replace(JSON_NAME_VALUE, (m, head: string, name: string, _v: string, tail: string) =>
      isSecretField(name) ? `${head}${REDACTED}${tail}` : m,
    );
  out = redactAssignments(out);
  const yaml = YAML_PAIR.exec(out);
  if (yaml !== null) {
    const [, indent = '', quote = '', key = '', sep = '', value = ''] = yaml;
    if (isSecretField(key) && !NOT_SECRET_VALUE.test(trimJsonTail(value).trim())) {
      return `${indent}${quote}${key}${quote}${sep}${redactedValue(value, '"')}`;
    }
  }
  return out.replace(INLINE_PAIR, (m, quote: string, key: string, sep: string, value: string) =>
    isSecretField(key) && !NOT_SECRET_VALUE.test(value)
      ? `${quote}${key}${quote}${sep}${redactedValue(value)}`
      : m,
  );
}

/** Redacts secret `KEY=value` pairs; a non-secret value is searched again (`Environment=DB_PASSWORD=x`). */
function redactAssignments(text: string): string {
  return text.replace(ASSIGNMENT, (_m, key: string, value: string) => {
    if (value === '') return `${key}=`;
    if (isSecretField(key.replace(/^-+/, '')) && !NOT_SECRET_VALUE.test(value)) {
      return `${key}=${redactedValue(value)}`;
    }
    return `${key}=${redactAssignments(value)}`;
  });
}

/**
 * "[redacted]", keeping the value's quotes and a JSON line's trailing comma; `bareQuote` quotes a bare value
 * (YAML would read a bare [redacted] as a list).
 */
function redactedValue(value: string, bareQuote = ''): string {
  const trailing = /,\s*$/.test(value) ? ',' : '';
  const core = trimJsonTail(value).trim();
  const quote = /^["']/.test(core) ? core[0] : bareQuote;
  return `${quote}${REDACTED}${quote}${trailing}`;
}

function trimJsonTail(value: string): string {
  return value.replace(/,\s*$/, '');
}
