import { renderReplyText } from '../render/terminal/render-reply-text.js';
import type { CliContext } from './cli-context.js';
import { commandText, type CommandWord } from './command-text.js';
import { CliExit, EXIT, type ExitCode } from './exit-codes.js';
import { cliLogger, openCore } from './open-core.js';
import { refuse } from './run-rollback-command.js';

/**
 * `status [job]`, `history <service>`, `versions <service>`, `cancel <job>`: the words go through the
 * shared grammar and command handler, exactly as `/rollback status ...` in Slack, and the neutral reply is
 * drawn as terminal text (or JSON with `--json`).
 */
export async function runQueryCommand(
  keyword: 'status' | 'history' | 'versions' | 'cancel' | 'snapshot',
  args: CommandWord[],
  options: { json?: boolean },
  context: CliContext,
): Promise<ExitCode> {
  const text = commandText([{ option: keyword }, ...args]);
  if (text === undefined)
    throw new CliExit(EXIT.refused, '✖ An argument holds both kinds of quote marks followed by spaces.');
  const config = context.config();
  const core = await openCore(config, cliLogger(config));
  try {
    const reply = await core.commands.handle(text, { requester: context.requester });
    if (reply.kind === 'error') return refuse(reply.error, context, options.json);
    context.io.out(options.json ? JSON.stringify(reply) : renderReplyText(reply));
    return EXIT.ok;
  } finally {
    await core.close();
  }
}
