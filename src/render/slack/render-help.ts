import { context, section, type SlackMessage } from './block-kit.js';
import { escapeCodeBlock } from './escape-mrkdwn.js';

const GRAMMAR = [
  '/rollback <service> <version>          roll back to that version (tag)',
  '/rollback <service> [previous]         roll back to the version before the current one',
  '/rollback <service> --to-revision N    roll back to revision N (or: revision:N)',
  '',
  'Options, after the service:',
  '  --strategy <name>    which strategy, when the service has several',
  '  --dry-run            show what would change; change nothing',
  '  --reason "..."       why: shown in the status message and the report',
  '',
  '/rollback status [job-id]              where a rollback stands',
  '/rollback versions <service>           the versions you can go back to',
  '/rollback help                         this help',
].join('\n');

const EXAMPLES = [
  '/rollback kaizen v0.7.0 --reason "5xx after the v0.8.0 deploy"',
  '/rollback kaizen previous --dry-run',
  '/rollback kaizen revision:3',
].join('\n');

/**
 * The answer to `/rollback help`: the command grammar and a few examples. `grammar` replaces the built-in
 * grammar text (e.g. the command parser's own help), so the help shown never drifts from what is parsed.
 */
export function renderHelp(grammar: string = GRAMMAR): SlackMessage {
  return {
    text: 'How to use /rollback: /rollback <service> [<version>|previous|revision:N] [--strategy name] [--dry-run] [--reason "..."]'
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;'),
    blocks: [
      section(`*Roll a service back*\n\`\`\`\n${escapeCodeBlock(grammar)}\n\`\`\``),
      section(`*Examples*\n\`\`\`\n${escapeCodeBlock(EXAMPLES)}\n\`\`\``),
      context([
        'Each rollback posts one status message that updates as it runs, with step details in its thread.',
      ]),
    ],
  };
}
