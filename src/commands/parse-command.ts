import { COMMAND_KEYWORDS } from '../config/command-keywords.js';
import { STRATEGY_NAMES, type StrategyName } from '../config/service-schema.js';
import type { ParseErrorCode } from '../errors/error-codes.js';
import type { InvalidCommand, ParsedCommand, RollbackCommand } from './parsed-command.js';
import type { ReplyError } from './command-reply.js';
import { splitOptions, type SplitWords } from './split-options.js';
import { tokenize, type Token } from './tokenize.js';
import { suggestCommand } from '../errors/suggested-command.js';
import type { CommandName } from './usage.js';
import { checkJobId, checkRevision, checkServiceName, checkVersion, show } from './validate-arguments.js';

/** Longer text is refused (in characters, as people count them). */
export const MAX_COMMAND_LENGTH = 1000;

type Keyword = (typeof COMMAND_KEYWORDS)[number];

/** Control characters other than tab and line breaks, and the text-direction marks and overrides. */
const BAD_CHARACTERS = /(?![\t\n\r])[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Parses the text after `/rollback` (the same grammar serves Slack, the web console and the CLI). Pure and
 * total: any text gives a ParsedCommand, and anything doubtful is `kind: 'invalid'`, never passed through.
 *
 * Keywords (`status`, `previous`, `revision:`, option names) are case-insensitive; service names are
 * lowercased; versions and job ids are kept as typed. A leading `/rollback` is ignored; empty text is help.
 * A keyword is a keyword even when quoted, so services cannot be named status, versions, history, cancel,
 * release or help.
 */
export function parseCommand(text: string): ParsedCommand {
  const length = text.length > MAX_COMMAND_LENGTH * 2 ? text.length : Array.from(text).length;
  if (length > MAX_COMMAND_LENGTH) {
    return invalid(
      'too_long',
      `The command is too long (${length} characters; at most ${MAX_COMMAND_LENGTH}).`,
      undefined,
      'rollback',
    );
  }
  if (BAD_CHARACTERS.test(text)) {
    return invalid(
      'bad_characters',
      'The command contains control or text-direction characters.',
      'Type the command as plain text.',
      'rollback',
    );
  }
  const tokenized = tokenize(text);
  if (!tokenized.ok) {
    return invalid(
      'unclosed_quote',
      tokenized.message,
      'Close the quote, like --reason "bad deploy".',
      'rollback',
    );
  }
  const tokens = dropCommandName(tokenized.tokens);
  if (tokens.length === 0) return { kind: 'help' };

  const keyword = asKeyword(tokens[0] as Token);
  if (keyword === 'help') return { kind: 'help' };
  const command: CommandName = keyword ?? 'rollback';
  const words = splitOptions(keyword === undefined ? tokens : tokens.slice(1), command);
  if ('kind' in words) return words;
  if (words.options.help !== undefined) return { kind: 'help' };

  switch (command) {
    case 'status':
      return parseStatus(words);
    case 'versions':
    case 'history':
      return parseServiceOnly(command, words);
    case 'cancel':
      return parseCancel(words);
    case 'release':
      return parseRelease(words);
    case 'snapshot':
      return parseSnapshot(words);
    case 'rollback':
      return parseRollback(words);
  }
}

function parseRollback({ positionals, options }: SplitWords): ParsedCommand {
  const usage = 'rollback';
  const [serviceWord, target, ...extra] = positionals;
  if (serviceWord === undefined)
    return invalid('missing_argument', 'Which service? The service name comes first.', undefined, usage);
  const service = serviceWord.toLowerCase();
  const badService = checkServiceName(service);
  if (badService) return invalid('invalid_service', badService, SERVICE_HINT, usage);
  if (extra.length > 0) {
    return invalid(
      'too_many_arguments',
      `Too many words: ${extra.map(show).join(' ')}. A rollback takes a service and at most one version.`,
      'Quote a reason that has spaces: --reason "...".',
      usage,
    );
  }

  const command: RollbackCommand = { kind: 'rollback', service, dryRun: false, breakGlass: false };
  const revisionWord = /^revision:/i.test(target ?? '')
    ? (target as string).slice('revision:'.length)
    : undefined;
  if (options['to-revision'] !== undefined && target !== undefined) {
    return invalid(
      'conflicting_target',
      `--to-revision ${options['to-revision']} conflicts with ${show(target)}: give either a version or a revision.`,
      undefined,
      usage,
    );
  }
  const revisionText = revisionWord ?? options['to-revision'];
  if (revisionText !== undefined) {
    const revision = checkRevision(revisionText);
    if (typeof revision === 'string') {
      return invalid(
        'invalid_revision',
        revision,
        'Revisions are whole numbers from 1, like revision:3 or --to-revision 3.',
        usage,
      );
    }
    command.toRevision = revision;
  } else if (target !== undefined && target.toLowerCase() !== 'previous') {
    const badVersion = checkVersion(target);
    if (badVersion) {
      return invalid(
        'invalid_version',
        badVersion,
        'Versions use letters, digits and . _ + - (at most 128, starting with a letter or digit), like v0.7.0.',
        usage,
      );
    }
    command.version = target;
  }

  if (options.strategy !== undefined) {
    const strategy = options.strategy.toLowerCase();
    if (!isStrategyName(strategy)) {
      return invalid(
        'unknown_strategy',
        `Unknown strategy ${show(options.strategy)}.`,
        `Strategies: ${STRATEGY_NAMES.join(', ')}.`,
        usage,
      );
    }
    command.strategy = strategy;
  }
  if (options.reason !== undefined) command.reason = options.reason;
  command.dryRun = options['dry-run'] !== undefined;
  command.breakGlass = options['break-glass'] !== undefined;
  if (options.force !== undefined) command.force = true;
  if (options.recover !== undefined) command.recover = true;
  if (options.forward !== undefined) command.forward = true;
  if (options['allow-unlisted'] !== undefined) command.allowUnlisted = true;
  return command;
}

function parseStatus({ positionals }: SplitWords): ParsedCommand {
  const [jobId, ...extra] = positionals;
  if (extra.length > 0) return tooMany('status', extra);
  if (jobId === undefined) return { kind: 'status' };
  const bad = checkJobId(jobId);
  return bad ? invalid('invalid_job_id', bad, JOB_ID_HINT, 'status') : { kind: 'status', jobId };
}

function parseCancel({ positionals }: SplitWords): ParsedCommand {
  const [jobId, ...extra] = positionals;
  if (jobId === undefined)
    return invalid('missing_argument', 'Which job? cancel needs a job id.', undefined, 'cancel');
  if (extra.length > 0) return tooMany('cancel', extra);
  const bad = checkJobId(jobId);
  return bad ? invalid('invalid_job_id', bad, JOB_ID_HINT, 'cancel') : { kind: 'cancel', jobId };
}

function parseServiceOnly(command: 'versions' | 'history', { positionals }: SplitWords): ParsedCommand {
  const service = serviceArgument(command, positionals);
  return typeof service === 'string' ? { kind: command, service } : service;
}

function parseRelease({ positionals, options }: SplitWords): ParsedCommand {
  const service = serviceArgument('release', positionals);
  if (typeof service !== 'string') return service;
  if (options.reason === undefined) {
    return {
      ...invalid(
        'missing_argument',
        'release needs a reason.',
        'Say why it may be deployed again.',
        'release',
      ),
      next: [suggestCommand('release', service, '--reason', 'fixed forward in v0.8.1')],
    };
  }
  return { kind: 'release', service, reason: options.reason };
}

const LABEL = /^[a-z0-9][a-z0-9-]{0,39}$/;

function parseSnapshot({ positionals, options }: SplitWords): ParsedCommand {
  const service = serviceArgument('snapshot', positionals);
  if (typeof service !== 'string') return service;
  const label = (options.label ?? 'snapshot').toLowerCase();
  if (!LABEL.test(label)) {
    return invalid(
      'invalid_label',
      `${show(options.label ?? '')} is not a bundle label.`,
      'Labels are lowercase letters, digits and dashes, like pre-deploy.',
      'snapshot',
    );
  }
  return { kind: 'snapshot', service, label };
}

/** The one positional word of versions, history and release: a service name. */
function serviceArgument(command: CommandName, positionals: readonly string[]): string | InvalidCommand {
  const [word, ...extra] = positionals;
  if (word === undefined)
    return invalid('missing_argument', `Which service? ${command} needs a service name.`, undefined, command);
  if (extra.length > 0) return tooMany(command, extra);
  const service = word.toLowerCase();
  const bad = checkServiceName(service);
  return bad ? invalid('invalid_service', bad, SERVICE_HINT, command) : service;
}

/** A refusal as the error reply every surface draws: message, hint, usage line, commands to try. */
export function invalidCommandError(command: InvalidCommand): ReplyError {
  const { code, message, hint, usage, next } = command;
  return { code, message, ...(hint === undefined ? {} : { hint }), usage, ...(next ? { next } : {}) };
}

function dropCommandName(tokens: readonly Token[]): readonly Token[] {
  return tokens[0]?.text.toLowerCase() === '/rollback' ? tokens.slice(1) : tokens;
}

function asKeyword(token: Token): Keyword | undefined {
  const word = token.text.toLowerCase();
  return (COMMAND_KEYWORDS as readonly string[]).includes(word) ? (word as Keyword) : undefined;
}

function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

function tooMany(command: CommandName, extra: readonly string[]): InvalidCommand {
  return invalid(
    'too_many_arguments',
    `Too many words for ${command}: ${extra.map(show).join(' ')}.`,
    undefined,
    command,
  );
}

const SERVICE_HINT = 'Service names are lowercase letters, digits and dashes, like kaizen.';
const JOB_ID_HINT = 'Job ids are letters, digits and . _ : - as shown in the status message.';

/** A refusal: what was wrong, what to do (if more than the usage line says), and which usage line answers it. */
function invalid(
  code: ParseErrorCode,
  message: string,
  hint: string | undefined,
  usage: CommandName,
): InvalidCommand {
  return { kind: 'invalid', code, message, ...(hint === undefined ? {} : { hint }), usage };
}
