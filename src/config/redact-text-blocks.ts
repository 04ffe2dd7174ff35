import { isSecretField, REDACTED } from './redact-config.js';

/** A PEM private key block, BEGIN to END. */
/** In YAML a bare [redacted] would be a list: values are replaced by a quoted string. */
const QUOTED = `"${REDACTED}"`;
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY[A-Z ]*)-----([\s\S]*?)-----END \1-----/g;
/** A key cut short (no END line after it): the rest of its line and the base64 or header lines after it. */
const CUT_PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY[A-Z ]*)-----(?![\s\S]*?-----END \1-----)[^\n]*(?:\n(?:[A-Za-z0-9+/=]{8,}|[\w-]+: [^\n]*)(?=\n|$))*/g;
const BLOCK_SCALAR = /^(\s*(?:-\s+)?)(["']?)([A-Za-z_][\w.-]*)\2\s*:\s*[|>][-+0-9]*\s*(?:#.*)?$/;
const ENV_NAME = /^(\s*)(?:-\s+)?name:\s*["']?([^"'\s]+)["']?\s*$/;
const ENV_VALUE = /^(\s*)value:\s*(\S.*)$/;
const SECRET_DATA = /^(\s*)(?:data|stringData):\s*$/;
const YAML_ENTRY = /^(\s*)(["']?[^\s:"']+["']?)(\s*:\s*)(\S.*)?$/;

/**
 * The multi-line parts of {@link redactText}: PEM private keys, YAML block scalars under a secret key,
 * container env entries (`- name: DB_PASSWORD` then `value: ...`) and the `data`/`stringData` of a
 * Kubernetes `Secret` document.
 */
export function redactBlocks(text: string): string {
  const withoutKeys = text
    .replace(PRIVATE_KEY, (m, kind: string, body: string) =>
      // Already redacted (perhaps flattened onto one line since): left as it is.
      body.trim() === REDACTED ? m : `-----BEGIN ${kind}-----\n${REDACTED}\n-----END ${kind}-----`,
    )
    .replace(CUT_PRIVATE_KEY, (_m, kind: string) => `-----BEGIN ${kind}----- ${REDACTED}`);
  const lines = withoutKeys.split('\n');
  const secretDocument = documentKinds(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const scalar = BLOCK_SCALAR.exec(line);
    if (scalar !== null && isSecretField(scalar[3] ?? '')) {
      i = redactIndented(lines, i, indentOf(line));
      continue;
    }
    const env = ENV_NAME.exec(line);
    if (env !== null && isSecretField(env[2] ?? '')) {
      redactEnvValue(lines, i);
      continue;
    }
    if (secretDocument[i] === true && SECRET_DATA.test(line)) {
      i = redactDataEntries(lines, i, indentOf(line));
    }
  }
  return lines.join('\n');
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

/** For each line: is it inside a YAML document (between `---` lines) whose `kind` is Secret? */
function documentKinds(lines: readonly string[]): boolean[] {
  const result: boolean[] = new Array<boolean>(lines.length).fill(false);
  let start = 0;
  const mark = (end: number) => {
    const secret = lines.slice(start, end).some((l) => /^kind:\s*["']?Secret["']?\s*$/.test(l));
    if (secret) result.fill(true, start, end);
  };
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      mark(i);
      start = i + 1;
    }
  });
  mark(lines.length);
  return result;
}

/** Replaces the lines indented deeper than `indent` after line `at` by one "[redacted]"; returns the last index. */
function redactIndented(lines: string[], at: number, indent: number): number {
  let end = at + 1;
  while (end < lines.length && (lines[end]?.trim() === '' || indentOf(lines[end] ?? '') > indent)) end++;
  while (end > at + 1 && lines[end - 1]?.trim() === '') end--;
  if (end > at + 1) lines.splice(at + 1, end - at - 1, `${' '.repeat(indent + 2)}${REDACTED}`);
  return at + 1;
}

/** The `value:` that belongs to the env entry named on line `at` (within the same list item). */
function redactEnvValue(lines: string[], at: number): void {
  const itemIndent = indentOf(lines[at] ?? '');
  for (let j = at + 1; j < Math.min(lines.length, at + 8); j++) {
    const line = lines[j] ?? '';
    if (indentOf(line) < itemIndent || /^\s*-\s/.test(line) || line.trim() === '') return;
    const value = ENV_VALUE.exec(line);
    if (value !== null) {
      lines[j] = `${value[1] ?? ''}value: ${QUOTED}`;
      return;
    }
  }
}

/** Every `key: value` under a Secret's `data:`/`stringData:`; returns the last index handled. */
function redactDataEntries(lines: string[], at: number, indent: number): number {
  let j = at + 1;
  let entryIndent: number | undefined;
  for (; j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (line.trim() === '') continue;
    const lineIndent = indentOf(line);
    if (lineIndent <= indent) break;
    entryIndent ??= lineIndent;
    const entry = YAML_ENTRY.exec(line);
    if (lineIndent > entryIndent || entry === null) {
      // A continuation line of a block or multi-line value.
      lines[j] = `${' '.repeat(lineIndent)}${REDACTED}`;
    } else if (entry[4] !== undefined) {
      lines[j] = `${entry[1] ?? ''}${entry[2] ?? ''}${entry[3] ?? ''}${QUOTED}`;
    }
  }
  return j - 1;
}
