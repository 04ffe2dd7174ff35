import { commandLine } from '../../commands/command-syntax.js';
import type { SuggestedCommand } from '../../errors/suggested-command.js';
import { inlineCode } from './escape-mrkdwn.js';

/** "Try: `/rollback status X` or `/rollback cancel X`": suggested commands in chat syntax, escaped. */
export function tryCommands(next: readonly SuggestedCommand[]): string {
  return `Try: ${next
    .slice(0, 5)
    .map((command) => inlineCode(commandLine(command, 'chat').slice(0, 300)))
    .join(' or ')}`;
}
