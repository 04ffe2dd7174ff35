import { UNIT_NAME_PATTERN } from '../../../config/hosts-schema.js';
import { withSudo } from './with-sudo.js';

export type UnitAction = 'stop' | 'start' | 'restart';

function checkedUnit(unit: string): string {
  if (!UNIT_NAME_PATTERN.test(unit)) throw new Error(`bad systemd unit name ${JSON.stringify(unit)}`);
  return unit;
}

/** `[sudo -n] systemctl stop|start|restart <unit>` */
export function systemctlActionArgv(action: UnitAction, unit: string, sudo: boolean | undefined): string[] {
  return withSudo(['systemctl', action, checkedUnit(unit)], sudo);
}

/** `systemctl is-active <unit>`: prints active/inactive/failed/activating..., exit 0 only when active. */
export function isActiveArgv(unit: string): string[] {
  return ['systemctl', 'is-active', checkedUnit(unit)];
}

/** `systemctl status <unit> --no-pager` */
export function statusArgv(unit: string): string[] {
  return ['systemctl', 'status', checkedUnit(unit), '--no-pager'];
}

/** `[sudo -n] journalctl -u <unit> -n 20 --no-pager [--since=@<epoch seconds>]` */
export function journalArgv(unit: string, sudo: boolean | undefined, sinceEpochSeconds?: number): string[] {
  const since = sinceEpochSeconds === undefined ? [] : [`--since=@${Math.floor(sinceEpochSeconds)}`];
  return withSudo(['journalctl', '-u', checkedUnit(unit), '-n', '20', '--no-pager', ...since], sudo);
}
