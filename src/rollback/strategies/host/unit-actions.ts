import type { PlannedAction } from '../../plan.js';
import { formatCommand } from './format-command.js';
import { isActiveArgv, journalArgv, statusArgv, systemctlActionArgv } from './systemctl-argv.js';

/** The unit commands run on a host after the change (restart, then the checks), as the plan shows them. */
export function unitActions(
  host: string,
  unit: string | undefined,
  sudo: boolean,
  restart: boolean,
): PlannedAction[] {
  if (unit === undefined) return [];
  return [
    ...(restart ? [systemctlActionArgv('restart', unit, sudo)] : []),
    isActiveArgv(unit),
    statusArgv(unit),
    journalArgv(unit, sudo),
  ].map((argv) => ({ target: host, description: formatCommand(argv) }));
}
