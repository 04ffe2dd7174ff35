import type { InvalidCommand } from './parsed-command.js';
import type { Token } from './tokenize.js';
import type { CommandName } from './usage.js';

/**
 * Separates the options (`--name`, `--name value`, `--name=value`) from the positional words. Options may
 * appear anywhere; each may be given once. A word is an option only if it starts with `--` (or is `-h`) and
 * does not begin with a quote, so `--reason "--force"` has the reason "--force".
 *
 * `--reason` without quotes takes every word up to the next option: `--reason pods crash looping --dry-run`
 * has the reason "pods crash looping". So a version must come before an unquoted reason.
 */
export type OptionName =
  | 'to-revision'
  | 'strategy'
  | 'dry-run'
  | 'reason'
  | 'break-glass'
  | 'label'
  | 'forward'
  | 'allow-unlisted'
  | 'force'
  | 'recover'
  | 'help';

const TAKES_VALUE: Record<OptionName, boolean> = {
  'to-revision': true,
  strategy: true,
  'dry-run': false,
  reason: true,
  'break-glass': false,
  force: false,
  recover: false,
  label: true,
  forward: false,
  'allow-unlisted': false,
  help: false,
};

/** Options each command accepts (besides --help, which every command accepts). */
const ALLOWED: Record<CommandName, readonly OptionName[]> = {
  rollback: [
    'to-revision',
    'strategy',
    'dry-run',
    'reason',
    'break-glass',
    'forward',
    'allow-unlisted',
    'force',
    'recover',
  ],
  release: ['reason'],
  status: [],
  versions: [],
  history: [],
  cancel: [],
  snapshot: ['label'],
};

const EXAMPLE_VALUE: Partial<Record<OptionName, string>> = {
  'to-revision': '--to-revision 3',
  strategy: '--strategy helm',
  reason: '--reason "error rate above 5%"',
  label: '--label pre-deploy',
};

export interface SplitWords {
  positionals: string[];
  options: Partial<Record<OptionName, string>>;
}

const isOptionLike = (token: Token | undefined): boolean =>
  token !== undefined && !token.startsQuoted && (token.text.startsWith('--') || token.text === '-h');

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(TAKES_VALUE, name);
}

export function splitOptions(tokens: readonly Token[], command: CommandName): SplitWords | InvalidCommand {
  const invalid = (code: InvalidCommand['code'], message: string, hint?: string): InvalidCommand => ({
    kind: 'invalid',
    code,
    message,
    ...(hint === undefined ? {} : { hint }),
    usage: command,
  });
  const positionals: string[] = [];
  const options: Partial<Record<OptionName, string>> = {};

  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    if (!token.startsQuoted && /^[\u2012-\u2015\u2212]/.test(token.text)) {
      return invalid(
        'unknown_option',
        `Unknown option "${token.text}".`,
        'Options start with two plain hyphens, like --dry-run (your keyboard may have turned -- into a dash).',
      );
    }
    if (!isOptionLike(token)) {
      positionals.push(token.text);
      continue;
    }
    const equals = token.text.indexOf('=');
    const written = equals === -1 ? token.text : token.text.slice(0, equals);
    const name = written === '-h' ? 'help' : written.slice(2).toLowerCase();
    if (!isOptionName(name)) {
      const known = ALLOWED[command].map((option) => `--${option}`);
      const list =
        known.length > 0 ? `Options for ${command}: ${known.join(', ')}.` : `${command} takes no options.`;
      return invalid('unknown_option', `Unknown option "${written}".`, list);
    }
    if (name !== 'help' && !ALLOWED[command].includes(name)) {
      return invalid('unknown_option', `--${name} can't be used with ${command}.`);
    }
    if (options[name] !== undefined) return invalid('duplicate_option', `--${name} is given more than once.`);
    if (!TAKES_VALUE[name]) {
      if (equals !== -1)
        return invalid('unexpected_value', `--${name} takes no value (found "${token.text}").`);
      options[name] = '';
      continue;
    }
    const example = `For example: ${EXAMPLE_VALUE[name] ?? `--${name} VALUE`}.`;
    let value: string;
    let valueQuoted: boolean;
    if (equals !== -1) {
      value = token.text.slice(equals + 1);
      valueQuoted = token.quoted;
    } else {
      const next = tokens[i + 1];
      if (next === undefined || isOptionLike(next))
        return invalid('missing_value', `--${name} needs a value.`, example);
      value = next.text;
      valueQuoted = next.quoted;
      i += 1;
    }
    if (name === 'reason' && !valueQuoted) {
      while (tokens[i + 1] !== undefined && !isOptionLike(tokens[i + 1])) {
        value += ` ${(tokens[i + 1] as Token).text}`;
        i += 1;
      }
    }
    if (name === 'reason') value = value.replace(/\s+/gu, ' ').trim();
    if (value === '') return invalid('missing_value', `--${name} needs a value.`, example);
    options[name] = value;
  }
  return { positionals, options };
}
