import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';
import type { V1Deployment } from '@kubernetes/client-node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_KEYWORDS } from '../../src/config/command-keywords.js';
import { parseCommand } from '../../src/commands/parse-command.js';
import type { ParsedCommand } from '../../src/commands/parsed-command.js';
import { SERVICE_NAME_PATTERN } from '../../src/commands/validate-arguments.js';
import { quoteForRemoteShell } from '../../src/rollback/quote-for-remote-shell.js';
import { aptInstallArgv } from '../../src/rollback/strategies/apt/apt-tool.js';
import { computeImagePatch } from '../../src/rollback/strategies/kubernetes/compute-image-patch.js';
import { hostileText } from '../support/hostile-text.js';

const dir = mkdtempSync(join(tmpdir(), 'parse-fuzz-'));
const MARKER = join(dir, 'injected');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The words people (and attackers) type, in any order, some quoted, joined by assorted whitespace. */
const word = fc.oneof(
  fc.constantFrom(...COMMAND_KEYWORDS, '/rollback', 'previous', 'kaizen', 'KAIZEN', 'v0.7.0', '0.7.0'),
  fc.constantFrom('--dry-run', '--force', '--forward', '--allow-unlisted', '--break-glass', '--help'),
  fc.constantFrom('--reason', '--strategy', '--to-revision', '--label', '--strategy=apt', '--reason='),
  fc.constantFrom('revision:3', 'revision:0', 'revision:-1', 'revision:99999999999999999999'),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
  fc.stringMatching(/^[A-Za-z0-9._+-]{1,12}$/),
  hostileText(MARKER),
);
const quoted = fc.tuple(word, fc.constantFrom('', '"', "'", '“', '‘')).map(([w, q]) => `${q}${w}${q}`);
const commandText = fc
  .array(fc.tuple(quoted, fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '=')), { maxLength: 8 })
  .map((parts) => parts.map(([w, sep]) => `${w}${sep}`).join(''));
const anyText = fc.oneof(commandText, fc.string({ unit: 'binary', maxLength: 300 }), hostileText(MARKER));

const KINDS = [
  'rollback',
  'status',
  'versions',
  'history',
  'cancel',
  'release',
  'snapshot',
  'help',
  'invalid',
];
/** Control characters other than tab/line breaks, and direction marks: never in anything accepted. */
const BAD = /(?![\t\n\r])[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/**
 * The tests that hand hundreds of command lines to a real `sh` (one process each) may take as long as a
 * busy machine needs to start them: a minute or more when every core is taken.
 */
const SPAWNING_TIMEOUT_MS = 180_000;

/** How a POSIX shell splits a command line into words, without running it: `eval set --` then print. */
function shellWords(commandLine: string): string[] {
  const { stdout } = execaSync('sh', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'sh', commandLine]);
  return stdout.split('\0').slice(0, -1);
}

function checkAccepted(command: ParsedCommand): void {
  expect(KINDS).toContain(command.kind);
  if (command.kind === 'invalid') {
    expect(command.message.length).toBeGreaterThan(0);
    expect(command.message).not.toMatch(BAD);
    return;
  }
  if ('service' in command) expect(command.service).toMatch(SERVICE_NAME_PATTERN);
  if ('reason' in command && command.reason !== undefined) {
    expect(command.reason).not.toMatch(BAD);
    expect(command.reason.trim()).not.toBe('');
  }
  if (command.kind === 'cancel' || (command.kind === 'status' && command.jobId !== undefined))
    expect(command.jobId).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
  if (command.kind === 'snapshot') expect(command.label).toMatch(/^[a-z0-9][a-z0-9-]{0,39}$/);
  if (command.kind === 'rollback' && command.toRevision !== undefined)
    expect(Number.isSafeInteger(command.toRevision) && command.toRevision > 0).toBe(true);
}

describe('parseCommand under fuzzing (fast-check)', () => {
  it('never throws on any text, and gives either a refusal with a message or only validated fields', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        checkAccepted(parseCommand(text));
      }),
      { numRuns: 3_000 },
    );
  });

  it(
    'a version it accepts reaches the apt argv as one word, survives ssh quoting, and only changes the image',
    () => {
      const deployment: V1Deployment = {
        spec: {
          selector: { matchLabels: { app: 'kaizen' } },
          template: { spec: { containers: [{ name: 'kaizen', image: 'kaizen:v0.8.0' }] } },
        },
      };
      let accepted = 0;
      fc.assert(
        fc.property(word, fc.option(word), (version, extra) => {
          const parsed = parseCommand(`kaizen ${version}${extra === null ? '' : ` --reason ${extra}`}`);
          if (parsed.kind !== 'rollback' || parsed.version === undefined) return;
          accepted += 1;
          expect(parsed.version).toMatch(SAFE_VERSION);
          const apt = { package: 'kaizen', sudo: true, restart: true, timeout: 600 };
          const argv = aptInstallArgv(apt, parsed.version);
          expect(argv.at(-1)).toBe(`kaizen=${parsed.version}`);
          // The remote shell an ssh host hands the command to gets back exactly these words, and runs nothing.
          expect(shellWords(quoteForRemoteShell(argv))).toEqual(argv);
          const patch = computeImagePatch(deployment, 'kaizen', `kaizen:${parsed.version}`);
          expect(patch.kind).toBe('patch');
          if (patch.kind === 'patch')
            expect(patch.patch).toEqual({
              spec: {
                template: {
                  spec: {
                    '$setElementOrder/containers': [{ name: 'kaizen' }],
                    containers: [{ image: `kaizen:${parsed.version}`, name: 'kaizen' }],
                  },
                },
              },
            });
        }),
        { numRuns: 300 },
      );
      expect(accepted).toBeGreaterThan(10);
      expect(existsSync(MARKER)).toBe(false);
    },
    SPAWNING_TIMEOUT_MS,
  );

  it(
    'any argv, however hostile, reaches the remote shell as exactly those words and runs nothing else',
    () => {
      // Process arguments cannot hold NUL or a lone surrogate (no encoding carries them): the rest can.
      const argument = hostileText(MARKER).map((text) => text.replace(/\0|\p{Cs}/gu, ''));
      fc.assert(
        fc.property(fc.array(argument, { minLength: 1, maxLength: 4 }), (argv) => {
          expect(shellWords(quoteForRemoteShell(argv))).toEqual(argv);
        }),
        { numRuns: 200 },
      );
      expect(existsSync(MARKER)).toBe(false);
    },
    SPAWNING_TIMEOUT_MS,
  );
});
