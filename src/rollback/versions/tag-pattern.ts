/**
 * A matcher for `git tag --list` patterns (git's wildmatch without pathname rules): `*` matches any run of
 * characters (`/` included), `?` one character, `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]` one of a set, and
 * `\x` the character x itself. `v*` matches `v1.2.3` and `v2/rc`.
 */
export function tagPatternMatcher(pattern: string): (name: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '\\' && i + 1 < pattern.length) source += escape(pattern[++i] ?? '');
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        let set = pattern.slice(i + 1, end);
        const negated = set.startsWith('!') || set.startsWith('^');
        if (negated) set = set.slice(1);
        source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
        i = end;
      }
    } else source += escape(char);
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => regex.test(name);
}

function escape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\${c}`);
}
