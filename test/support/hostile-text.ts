import fc from 'fast-check';

/**
 * Text an attacker would try where a word ends up in a command line, a path or a Kubernetes patch: shell
 * metacharacters and substitutions, option lookalikes, path tricks, quotes, line breaks and invisible or
 * direction-changing characters. `marker` is the path a successful injection would create, so a test can
 * check for it with a real shell.
 */
export function hostileFragments(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `; touch ${marker}`,
    `&& touch ${marker}`,
    `| touch ${marker}`,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `\ntouch ${marker}\n`,
    '--upload-pack=touch',
    '-oProxyCommand=touch',
    '--',
    '-',
    '../../etc/passwd',
    '/etc/shadow',
    '~root',
    '${HOME}',
    '$IFS',
    '*',
    '?',
    '[a-z]',
    '{a,b}',
    '>out',
    '<in',
    '#comment',
    '\\',
    "'",
    '"',
    '\u0000',
    '\u0007',
    '\u001b[31m',
    '\u202e',
    '\u200f',
    '\u2066',
    '\ufeff',
    '\u00a0',
    'ｋａｉｚｅｎ',
    'kaizen\u0301',
    '😀',
    '%0a',
    '\r\n',
    '\t',
  ];
}

/** One hostile fragment, or arbitrary Unicode text (lone surrogates included). */
export function hostileText(marker: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...hostileFragments(marker)),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ maxLength: 20 }),
  );
}
