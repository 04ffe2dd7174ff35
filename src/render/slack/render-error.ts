import { context, fallbackText, section, type Block, type SlackMessage } from './block-kit.js';
import { userText } from './describe-progress.js';
import { inlineCode } from './escape-mrkdwn.js';

export interface RenderableError {
  code: string;
  message: string;
  /** What is valid / what to do next. */
  hint?: string;
  /** Close matches to what was typed, for "did you mean". */
  suggestions?: string[];
}

/** The ephemeral answer to a command that cannot run: what was wrong, what is valid, "did you mean". */
export function renderError(error: RenderableError): SlackMessage {
  const blocks: Block[] = [section(`❌ *${userText(error.message, 1000)}*`)];
  if (error.hint !== undefined && error.hint.trim() !== '')
    blocks.push(section(`💡 ${userText(error.hint, 2500)}`));
  const suggestions = (error.suggestions ?? []).filter((s) => s.trim() !== '').slice(0, 10);
  if (suggestions.length > 0) {
    blocks.push(section(`Did you mean ${suggestions.map((s) => inlineCode(s.slice(0, 100))).join(', ')}?`));
  }
  blocks.push(
    context([`Error ${inlineCode(error.code)} · ${inlineCode('/rollback help')} shows the command grammar`]),
  );
  return { text: fallbackText(`❌ ${userText(error.message, 1000)}`), blocks };
}
