import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse-command.js';
import type { ParsedCommand } from '../../src/commands/parsed-command.js';
import { commandLine, commandUsage } from '../../src/commands/command-syntax.js';
import type { InvalidCommand } from '../../src/commands/parsed-command.js';
import type { CommandName } from '../../src/commands/usage.js';

/** The usage line a chat user sees under a refusal. */
const usage = (command: CommandName): string => `Usage: ${commandUsage(command, 'chat')}`;

/** What a chat user reads as the refusal's advice: the hint, then the usage line. */
function advice(result: ReturnType<typeof parseCommand>): string {
  const invalid = result as InvalidCommand;
  return [invalid.hint, usage(invalid.usage)].filter((part) => part !== undefined).join(' ');
}

const rollback = (service: string, extra: Partial<Extract<ParsedCommand, { kind: 'rollback' }>> = {}) => ({
  kind: 'rollback',
  service,
  dryRun: false,
  breakGlass: false,
  ...extra,
});

describe('parseCommand: rollbacks', () => {
  it.each<[string, object]>([
    ['kaizen v0.7.0', rollback('kaizen', { version: 'v0.7.0' })],
    ['kaizen', rollback('kaizen')],
    ['kaizen previous', rollback('kaizen')],
    ['kaizen PREVIOUS', rollback('kaizen')],
    ['Kaizen v0.7.0', rollback('kaizen', { version: 'v0.7.0' })],
    ['kaizen V0.7.0-RC.1+build.5', rollback('kaizen', { version: 'V0.7.0-RC.1+build.5' })],
    ['kaizen 2024_01_15', rollback('kaizen', { version: '2024_01_15' })],
    ['kaizen --to-revision 3', rollback('kaizen', { toRevision: 3 })],
    ['kaizen --to-revision=3', rollback('kaizen', { toRevision: 3 })],
    ['kaizen revision:3', rollback('kaizen', { toRevision: 3 })],
    ['kaizen Revision:12', rollback('kaizen', { toRevision: 12 })],
    ['kaizen --TO-REVISION 3', rollback('kaizen', { toRevision: 3 })],
    ['/rollback kaizen v0.7.0', rollback('kaizen', { version: 'v0.7.0' })],
    ['  kaizen \t v0.7.0  \n', rollback('kaizen', { version: 'v0.7.0' })],
    ['kaizen\u00a0v0.7.0', rollback('kaizen', { version: 'v0.7.0' })],
    ['kaizen "v0.7.0"', rollback('kaizen', { version: 'v0.7.0' })],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, object]>([
    ['kaizen --dry-run', rollback('kaizen', { dryRun: true })],
    ['kaizen --dry-run v0.7.0', rollback('kaizen', { version: 'v0.7.0', dryRun: true })],
    ['kaizen v0.7.0 --strategy helm', rollback('kaizen', { version: 'v0.7.0', strategy: 'helm' })],
    ['kaizen --strategy=Kubernetes', rollback('kaizen', { strategy: 'kubernetes' })],
    ['kaizen --break-glass', rollback('kaizen', { breakGlass: true })],
    ['kaizen --force', rollback('kaizen', { force: true })],
    ['kaizen --recover', rollback('kaizen', { recover: true })],
    ['kaizen --reason "error rate above 5%"', rollback('kaizen', { reason: 'error rate above 5%' })],
    [
      'kaizen --reason=“curly quotes” --dry-run',
      rollback('kaizen', { reason: 'curly quotes', dryRun: true }),
    ],
    ['kaizen --reason ‘single curly’', rollback('kaizen', { reason: 'single curly' })],
    ["kaizen --reason 'it's broken'", rollback('kaizen', { reason: "it's broken" })],
    ['kaizen --reason ‘it’s broken’', rollback('kaizen', { reason: 'it’s broken' })],
    ['kaizen --reason="a b" v0.7.0', rollback('kaizen', { reason: 'a b', version: 'v0.7.0' })],
    [
      'kaizen --reason "--force is not an option here"',
      rollback('kaizen', { reason: '--force is not an option here' }),
    ],
    ['kaizen --reason "  spaced \n  out  "', rollback('kaizen', { reason: 'spaced out' })],
    // An unquoted reason runs up to the next option.
    [
      'kaizen v0.7.0 --reason pods crash looping --dry-run',
      rollback('kaizen', { version: 'v0.7.0', reason: 'pods crash looping', dryRun: true }),
    ],
    ['kaizen --reason=it’s broken again', rollback('kaizen', { reason: 'it’s broken again' })],
    ["kaizen --reason don't know", rollback('kaizen', { reason: "don't know" })],
    [
      'kaizen revision:3 --strategy kubernetes --dry-run --reason "bad deploy" --break-glass',
      rollback('kaizen', {
        toRevision: 3,
        strategy: 'kubernetes',
        dryRun: true,
        reason: 'bad deploy',
        breakGlass: true,
      }),
    ],
  ])('options: %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand: documented edge cases', () => {
  it('takes every word after an unquoted --reason up to the next option, so a version must come first', () => {
    expect(parseCommand('kaizen --reason bad deploy v0.7.0')).toEqual(
      rollback('kaizen', { reason: 'bad deploy v0.7.0' }),
    );
    expect(parseCommand('kaizen v0.7.0 --reason bad deploy')).toEqual(
      rollback('kaizen', { version: 'v0.7.0', reason: 'bad deploy' }),
    );
  });

  it('treats keywords as keywords even when quoted', () => {
    expect(parseCommand('"status"')).toEqual({ kind: 'status' });
    expect(parseCommand('kaizen "previous"')).toEqual(rollback('kaizen'));
  });

  it('refuses an empty quoted version instead of rolling back to "previous"', () => {
    expect(parseCommand('kaizen ""')).toMatchObject({
      kind: 'invalid',
      code: 'invalid_version',
      message: '"" is not a valid version: it must start with a letter or digit.',
    });
  });
});

describe('parseCommand: other commands', () => {
  it.each<[string, ParsedCommand]>([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['/rollback', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP me please', { kind: 'help' }],
    ['--help', { kind: 'help' }],
    ['-h', { kind: 'help' }],
    ['kaizen v0.7.0 --help', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['Status rb-42', { kind: 'status', jobId: 'rb-42' }],
    ['status kaizen:2024-01-15.1', { kind: 'status', jobId: 'kaizen:2024-01-15.1' }],
    ['versions kaizen', { kind: 'versions', service: 'kaizen' }],
    ['VERSIONS Kaizen', { kind: 'versions', service: 'kaizen' }],
    ['history kaizen', { kind: 'history', service: 'kaizen' }],
    ['cancel rb-42', { kind: 'cancel', jobId: 'rb-42' }],
    [
      'release kaizen --reason "fixed forward"',
      { kind: 'release', service: 'kaizen', reason: 'fixed forward' },
    ],
    [
      'release kaizen --reason fixed forward in v0.8.1',
      { kind: 'release', service: 'kaizen', reason: 'fixed forward in v0.8.1' },
    ],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand: mistakes', () => {
  it.each<[string, string, string | RegExp, string | RegExp]>([
    [
      'kaizen --forse',
      'unknown_option',
      'Unknown option "--forse".',
      /^Options for rollback: --to-revision, --strategy, --dry-run, --reason, --break-glass, --forward, --allow-unlisted, --force, --recover\. Usage: \/rollback <service>/,
    ],
    ['status --dry-run', 'unknown_option', "--dry-run can't be used with status.", usage('status')],
    [
      'versions kaizen --wat',
      'unknown_option',
      'Unknown option "--wat".',
      `versions takes no options. ${usage('versions')}`,
    ],
    ['kaizen —dry-run', 'unknown_option', 'Unknown option "—dry-run".', /two plain hyphens/],
    ['kaizen --strategy', 'missing_value', '--strategy needs a value.', /For example: --strategy helm\./],
    ['kaizen --strategy --dry-run', 'missing_value', '--strategy needs a value.', /--strategy helm/],
    ['kaizen --strategy=', 'missing_value', '--strategy needs a value.', /--strategy helm/],
    ['kaizen --to-revision', 'missing_value', '--to-revision needs a value.', /--to-revision 3/],
    ['kaizen --reason', 'missing_value', '--reason needs a value.', /--reason "error rate above 5%"/],
    ['kaizen --reason ""', 'missing_value', '--reason needs a value.', /--reason "/],
    [
      'kaizen --dry-run=yes',
      'unexpected_value',
      '--dry-run takes no value (found "--dry-run=yes").',
      usage('rollback'),
    ],
    [
      'kaizen --dry-run --dry-run',
      'duplicate_option',
      '--dry-run is given more than once.',
      usage('rollback'),
    ],
    [
      'kaizen --strategy helm --strategy=git',
      'duplicate_option',
      '--strategy is given more than once.',
      usage('rollback'),
    ],
    [
      'kaizen v0.7.0 v0.6.0',
      'too_many_arguments',
      'Too many words: "v0.6.0". A rollback takes a service and at most one version.',
      /Quote a reason/,
    ],
    ['status rb-1 rb-2', 'too_many_arguments', 'Too many words for status: "rb-2".', usage('status')],
    [
      'versions kaizen extra',
      'too_many_arguments',
      'Too many words for versions: "extra".',
      usage('versions'),
    ],
    ['cancel rb-1 now', 'too_many_arguments', 'Too many words for cancel: "now".', usage('cancel')],
    ['--dry-run', 'missing_argument', 'Which service? The service name comes first.', usage('rollback')],
    ['versions', 'missing_argument', 'Which service? versions needs a service name.', usage('versions')],
    ['history', 'missing_argument', 'Which service? history needs a service name.', usage('history')],
    ['cancel', 'missing_argument', 'Which job? cancel needs a job id.', usage('cancel')],
    [
      'release kaizen',
      'missing_argument',
      'release needs a reason.',
      'Say why it may be deployed again. Usage: /rollback release <service> --reason "..."',
    ],
    [
      'kaizen_api v1',
      'invalid_service',
      '"kaizen_api" is not a valid service name.',
      /^Service names are lowercase letters, digits and dashes, like kaizen\./,
    ],
    ['-rf v1', 'invalid_service', '"-rf" is not a valid service name.', /lowercase letters/],
    ['history ../etc', 'invalid_service', '"../etc" is not a valid service name.', /lowercase letters/],
    [
      'kaizen --to-revision 0',
      'invalid_revision',
      'Revision "0" is not a positive whole number.',
      /like revision:3 or --to-revision 3/,
    ],
    [
      'kaizen --to-revision -1',
      'invalid_revision',
      'Revision "-1" is not a positive whole number.',
      /whole numbers from 1/,
    ],
    [
      'kaizen --to-revision=1.5',
      'invalid_revision',
      'Revision "1.5" is not a positive whole number.',
      /whole numbers/,
    ],
    [
      'kaizen revision:three',
      'invalid_revision',
      'Revision "three" is not a positive whole number.',
      /whole numbers/,
    ],
    ['kaizen revision:', 'invalid_revision', 'Revision "" is not a positive whole number.', /whole numbers/],
    [
      'kaizen revision:99999999999999999',
      'invalid_revision',
      'Revision "99999999999999999" is not a positive whole number.',
      /whole numbers/,
    ],
    [
      'kaizen v0.7.0 --to-revision 3',
      'conflicting_target',
      '--to-revision 3 conflicts with "v0.7.0": give either a version or a revision.',
      usage('rollback'),
    ],
    [
      'kaizen previous --to-revision 3',
      'conflicting_target',
      '--to-revision 3 conflicts with "previous": give either a version or a revision.',
      usage('rollback'),
    ],
    [
      'kaizen revision:2 --to-revision=3',
      'conflicting_target',
      '--to-revision 3 conflicts with "revision:2": give either a version or a revision.',
      usage('rollback'),
    ],
    [
      'kaizen --strategy docker',
      'unknown_strategy',
      'Unknown strategy "docker".',
      /^Strategies: kubernetes, helm, apt, yum, files, compose, git\. Usage/,
    ],
    [
      'status rb/1',
      'invalid_job_id',
      '"rb/1" is not a valid job id.',
      /^Job ids are letters, digits and \. _ : -/,
    ],
    ['cancel "$(id)"', 'invalid_job_id', '"$(id)" is not a valid job id.', usage('cancel')],
    ['kaizen --reason "never closed', 'unclosed_quote', 'A quote (") is never closed.', /Close the quote/],
    ['kaizen --reason “never closed', 'unclosed_quote', 'A quote (“) is never closed.', /Close the quote/],
  ])('%j is refused (%s)', (text, code, message, hint) => {
    const result = parseCommand(text);
    expect(result).toMatchObject({ kind: 'invalid', code, message });
    expect(advice(result)).toMatch(hint);
  });

  it('suggests the corrected command as data, for each surface to write in its own syntax', () => {
    const result = parseCommand('release kaizen');
    expect(result).toMatchObject({
      kind: 'invalid',
      usage: 'release',
      next: [{ command: 'release', args: ['kaizen', '--reason', 'fixed forward in v0.8.1'] }],
    });
    const next = (result as InvalidCommand).next?.[0];
    expect(next && commandLine(next, 'chat')).toBe(
      '/rollback release kaizen --reason "fixed forward in v0.8.1"',
    );
    expect(next && commandLine(next, 'cli')).toBe(
      '/rollback release kaizen --reason "fixed forward in v0.8.1" (in Slack or the web console)',
    );
    expect(commandLine({ command: 'status', args: ['kaizen-1'] }, 'cli')).toBe(
      'rollback-bot status kaizen-1',
    );
    expect(commandUsage('cancel', 'cli')).toBe('rollback-bot cancel <job-id>');
    expect(commandUsage('rollback', 'cli')).toMatch(/^rollback-bot rollback <service> \[version/);
    expect(commandUsage('rollback', 'chat')).toMatch(/^\/rollback <service> \[version/);
  });

  it('refuses text over 1000 characters, counting characters rather than UTF-16 units', () => {
    expect(parseCommand(`kaizen --reason "${'x'.repeat(980)}"`)).toMatchObject({ kind: 'rollback' });
    expect(parseCommand(`kaizen --reason "${'🔥'.repeat(980)}"`)).toMatchObject({ kind: 'rollback' });
    expect(parseCommand(`kaizen --reason "${'x'.repeat(1000)}"`)).toMatchObject({
      kind: 'invalid',
      code: 'too_long',
      message: 'The command is too long (1018 characters; at most 1000).',
    });
  });
});

describe('parseCommand: hostile versions are refused, never passed through', () => {
  it.each<[string, string]>([
    ['kaizen "v1.0; rm -rf /"', '"v1.0; rm -rf /" is not a valid version: ";", U+0020, "/" are not allowed.'],
    ['kaizen v1.0;', '"v1.0;" is not a valid version: ";" is not allowed.'],
    ['kaizen $(id)', '"$(id)" is not a valid version: "$", "(", ")" are not allowed.'],
    ['kaizen `id`', '"`id`" is not a valid version: "`" is not allowed.'],
    ['kaizen v1|sh', '"v1|sh" is not a valid version: "|" is not allowed.'],
    ['kaizen v1&&reboot', '"v1&&reboot" is not a valid version: "&" is not allowed.'],
    ['kaizen ../../etc/passwd', '"../../etc/passwd" is not a valid version: "/" is not allowed.'],
    ['kaizen "--help"', '"--help" is not a valid version: it must start with a letter or digit.'],
    ['kaizen -rf', '"-rf" is not a valid version: it must start with a letter or digit.'],
    ['kaizen .hidden', '".hidden" is not a valid version: it must start with a letter or digit.'],
    ['kaizen vѴ1.0', '"vѴ1.0" is not a valid version: "Ѵ" (U+0474) is not allowed.'],
    ['kaizen ｖ1.0', '"ｖ1.0" is not a valid version: "ｖ" (U+FF56) is not allowed.'],
    ['kaizen v1.0\u200b', '"v1.0\u200b" is not a valid version: "\u200b" (U+200B) is not allowed.'],
    [`kaizen ${'v'.repeat(129)}`, `Version "${'v'.repeat(40)}…" is too long (129 characters; at most 128).`],
  ])('%j', (text, message) => {
    expect(parseCommand(text)).toMatchObject({ kind: 'invalid', code: 'invalid_version', message });
    expect(parseCommand(text)).toMatchObject({
      hint: expect.stringMatching(/^Versions use letters, digits and \. _ \+ - /),
    });
  });

  it('splits on newlines, so injected lines become extra words and are refused', () => {
    expect(parseCommand('kaizen v1.0\nrm -rf /')).toMatchObject({
      kind: 'invalid',
      code: 'too_many_arguments',
      message: 'Too many words: "rm" "-rf" "/". A rollback takes a service and at most one version.',
    });
    expect(parseCommand('kaizen v1.0\nreboot')).toMatchObject({
      kind: 'invalid',
      code: 'too_many_arguments',
    });
  });

  it('accepts 128 characters, the longest version', () => {
    expect(parseCommand(`kaizen ${'v'.repeat(128)}`)).toMatchObject({
      kind: 'rollback',
      version: 'v'.repeat(128),
    });
  });

  it.each([
    ['a NUL byte', 'kaizen v1.0\u0000'],
    ['an escape sequence', 'kaizen \u001b[31mv1.0'],
    ['a right-to-left override', 'kaizen v1.0\u202e0.1v'],
  ])('refuses %s anywhere in the text', (_name, text) => {
    expect(parseCommand(text)).toEqual({
      kind: 'invalid',
      code: 'bad_characters',
      message: 'The command contains control or text-direction characters.',
      hint: 'Type the command as plain text.',
      usage: 'rollback',
    });
  });
});
