import { STRATEGY_NAMES } from '../config/service-schema.js';
import { commandUsage } from './command-syntax.js';

/** The full help, for `/rollback help` in chat (plain text; renderers may format it). */
export const HELP_TEXT = [
  'Roll a service back:',
  `  Usage: ${commandUsage('rollback', 'chat')}`,
  '    /rollback kaizen v0.7.0             roll back to the image tag v0.7.0',
  '    /rollback kaizen                    roll back to the previous revision (same as "previous")',
  '    /rollback kaizen revision:3         roll back to revision 3 (same as --to-revision 3)',
  '    --strategy NAME   use another configured strategy: ' + STRATEGY_NAMES.join(', '),
  '    --dry-run         show the plan without changing anything',
  '    --reason "..."    why (an unquoted reason runs up to the next --option)',
  '    --force           roll back although Argo CD/Flux will put the bad version back (see gitops.pause)',
  '    --recover         Helm release stuck in pending-*: helm rollback to its last good revision (approved)',
  '    --forward         allow a target newer than the current version (marked and audited)',
  '    --allow-unlisted  allow a version that never ran here but is in the registry (audited)',
  'Other commands:',
  ...(['status', 'versions', 'history', 'cancel', 'release', 'snapshot'] as const).map(
    (command) => `  Usage: ${commandUsage(command, 'chat')}`,
  ),
  '  Usage: /rollback help',
].join('\n');
