import type { SuggestedCommand } from '../errors/suggested-command.js';
import { USAGE, type CommandName } from './usage.js';

/**
 * Where a person reads a message and types the next command: in chat (Slack, the web console), commands
 * are `/rollback status X`; in a terminal they are `rollback-bot status X`.
 */
export type CommandSurface = 'chat' | 'cli';

/** The `/rollback` commands the CLI has too; the others (release) exist in chat only. */
const CLI_COMMANDS: ReadonlySet<CommandName> = new Set([
  'rollback',
  'status',
  'versions',
  'history',
  'cancel',
  'snapshot',
]);

/** A suggested command as the surface writes it; the CLI names chat-only commands with where to type them. */
export function commandLine(suggestion: SuggestedCommand, surface: CommandSurface): string {
  return withPlace(
    [head(suggestion.command, surface), ...suggestion.args.map(quoteWord)].join(' '),
    suggestion.command,
    surface,
  );
}

/** `/rollback status [job-id]` in chat, `rollback-bot status [job-id]` in the CLI (without "Usage: "). */
export function commandUsage(command: CommandName, surface: CommandSurface): string {
  return withPlace(`${head(command, surface)} ${USAGE[command]}`, command, surface);
}

function head(command: CommandName, surface: CommandSurface): string {
  if (surface === 'cli' && CLI_COMMANDS.has(command)) return `rollback-bot ${command}`;
  return command === 'rollback' ? '/rollback' : `/rollback ${command}`;
}

function withPlace(line: string, command: CommandName, surface: CommandSurface): string {
  return surface === 'cli' && !CLI_COMMANDS.has(command) ? `${line} (in Slack or the web console)` : line;
}

/** Options and plain words as they are; a value with spaces or quotes is quoted so it reads as one word. */
function quoteWord(word: string): string {
  if (word.startsWith('--') || /^[^\s"'“”‘’]+$/u.test(word)) return word;
  return word.includes('"') ? `'${word}'` : `"${word}"`;
}
