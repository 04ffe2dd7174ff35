import type { ReplyError } from '../../commands/command-reply.js';
import { commandUsage } from '../../commands/command-syntax.js';
import { context, fallbackText, section, type Block, type SlackMessage } from './block-kit.js';
import { userText } from './describe-progress.js';
import { inlineCode } from './escape-mrkdwn.js';
import { tryCommands } from './try-commands.js';

export type RenderableError = ReplyError;

/**
 * The ephemeral answer to a command that cannot run: what was wrong, what to do (the usage line and the
 * commands to try, in `/rollback` syntax), "did you mean".
 */
export function renderError(error: RenderableError): SlackMessage {
  const blocks: Block[] = [section(`❌ *${userText(error.message, 1000)}*`)];
  const advice = [
    ...(error.hint !== undefined && error.hint.trim() !== '' ? [userText(error.hint, 2000)] : []),
    ...(error.usage ? [`Usage: ${inlineCode(commandUsage(error.usage, 'chat'))}`] : []),
    ...(error.next && error.next.length > 0 ? [tryCommands(error.next)] : []),
  ];
  if (advice.length > 0) blocks.push(section(`💡 ${advice.join('\n')}`));
  const suggestions = (error.suggestions ?? []).filter((s) => s.trim() !== '').slice(0, 10);
  if (suggestions.length > 0) {
    blocks.push(section(`Did you mean ${suggestions.map((s) => inlineCode(s.slice(0, 100))).join(', ')}?`));
  }
  blocks.push(
    context([`Error ${inlineCode(error.code)} · ${inlineCode('/rollback help')} shows the command grammar`]),
  );
  return { text: fallbackText(`❌ ${userText(error.message, 1000)}`), blocks };
}
