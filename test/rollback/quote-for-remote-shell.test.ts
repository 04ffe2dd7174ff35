import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { quoteArgument, quoteForRemoteShell } from '../../src/rollback/quote-for-remote-shell.js';
import { HOSTILE } from '../targets/shell/hostile-values.js';

/** Parses `command` with a real POSIX shell and returns the argv the shell produced. */
function parsedByShell(argv: string[]): string[] {
  const script = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
  const command = quoteForRemoteShell([process.execPath, '-e', script, ...argv]);
  // Test fixture: a real POSIX shell parses the command line, as sshd's would.
  return JSON.parse(execaSync('sh', ['-c', command], { stripFinalNewline: false }).stdout) as string[];
}

describe('quoteForRemoteShell', () => {
  it('single-quotes every element and escapes embedded quotes', () => {
    expect(quoteArgument("it's")).toBe(`'it'\\''s'`);
    expect(quoteForRemoteShell(['git', '-C', '/srv/app', 'checkout', '$(id)'])).toBe(
      `'git' '-C' '/srv/app' 'checkout' '$(id)'`,
    );
  });

  it('round-trips hostile values through sh exactly', () => {
    expect(parsedByShell(HOSTILE)).toEqual(HOSTILE);
  });

  it('round-trips random strings of every non-NUL character', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const samples = Array.from({ length: 200 }, () =>
      Array.from({ length: random(12) }, () => String.fromCharCode(1 + random(255))).join(''),
    );
    expect(parsedByShell(samples)).toEqual(samples);
  });

  it('refuses an empty command', () => {
    expect(() => quoteForRemoteShell([])).toThrow('empty command');
  });
});
