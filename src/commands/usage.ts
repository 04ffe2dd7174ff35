import { STRATEGY_NAMES } from '../config/service-schema.js';

/** One usage line per command, shown as the hint when a command is mistyped. */
export const USAGE = {
  rollback:
    'Usage: /rollback <service> [version|previous|revision:N] [--to-revision N] [--strategy NAME] [--dry-run] [--reason "..."]',
  status: 'Usage: /rollback status [job-id]',
  versions: 'Usage: /rollback versions <service>',
  history: 'Usage: /rollback history <service>',
  cancel: 'Usage: /rollback cancel <job-id>',
  release: 'Usage: /rollback release <service> --reason "..."',
} as const;

export type CommandName = keyof typeof USAGE;

/** The full help, for `/rollback help` (plain text; renderers may format it). */
export const HELP_TEXT = [
  'Roll a service back:',
  `  ${USAGE.rollback}`,
  '    /rollback kaizen v0.7.0             roll back to the image tag v0.7.0',
  '    /rollback kaizen                    roll back to the previous revision (same as "previous")',
  '    /rollback kaizen revision:3         roll back to revision 3 (same as --to-revision 3)',
  '    --strategy NAME   use another configured strategy: ' + STRATEGY_NAMES.join(', '),
  '    --dry-run         show the plan without changing anything',
  '    --reason "..."    why (an unquoted reason runs up to the next --option)',
  'Other commands:',
  `  ${USAGE.status}`,
  `  ${USAGE.versions}`,
  `  ${USAGE.history}`,
  `  ${USAGE.cancel}`,
  `  ${USAGE.release}`,
  '  Usage: /rollback help',
].join('\n');
