/** One challenge of a `WWW-Authenticate` header: the scheme (lowercase) and its auth-params. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges:
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:team/kaizen:pull"`
 * gives `{scheme: 'bearer', params: {realm, service, scope}}`. Quoted strings may hold commas and escaped
 * quotes; parameter names are lowercased. Unparseable tails are ignored.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header ?? '';
  let current: AuthChallenge | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = TOKEN.exec(rest)?.[0];
    if (name === undefined) break;
    const after = rest.slice(name.length).replace(/^\s*/, '');
    if (after.startsWith('=') && current && !after.startsWith('==')) {
      const { value, remaining } = readValue(after.slice(1).replace(/^\s*/, ''));
      current.params[name.toLowerCase()] = value;
      rest = remaining;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
    const token68 = /^([A-Za-z0-9\-._~+/]+=*)\s*(?:,|$)/.exec(rest);
    if (token68 && !/^[A-Za-z0-9\-._~+/]+\s*=[^=]/.test(rest)) rest = rest.slice(token68[0].length);
  }
  return challenges;
}

function readValue(text: string): { value: string; remaining: string } {
  if (!text.startsWith('"')) {
    const token = TOKEN.exec(text)?.[0] ?? '';
    return { value: token, remaining: text.slice(token.length) };
  }
  let value = '';
  for (let i = 1; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 1;
    } else if (char === '"') {
      return { value, remaining: text.slice(i + 1) };
    } else {
      value += char;
    }
  }
  return { value, remaining: '' };
}
