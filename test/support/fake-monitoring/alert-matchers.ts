/** Alertmanager's matcher syntax as its API reads `filter` parameters: `name="value"`, `=~`, `!=`, `!~`. */
export type LabelMatcher = (labels: Record<string, string>) => boolean;

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))\s*$/;

/** Throws with Alertmanager's message when the matcher does not parse. */
export function parseMatcher(text: string): LabelMatcher {
  const match = MATCHER.exec(text);
  if (!match) throw new Error(`bad matcher format: ${text}`);
  const [, name = '', op, quoted, bare] = match;
  const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  if (op === '=' || op === '!=') return (labels) => ((labels[name] ?? '') === value) === (op === '=');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${value})$`);
  } catch {
    throw new Error(`bad matcher format: ${text}`);
  }
  return (labels) => regex.test(labels[name] ?? '') === (op === '=~');
}
