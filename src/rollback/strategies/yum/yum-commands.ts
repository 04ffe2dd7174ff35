import type { YumSection } from '../../../config/strategies/yum-schema.js';
import { withSudo } from '../host/with-sudo.js';

export const historyListArgv = (yum: YumSection): string[] =>
  withSudo(['yum', 'history', 'list', yum.package], yum.sudo);
export const listArgv = (yum: YumSection): string[] =>
  withSudo(['yum', 'list', '--showduplicates', yum.package], yum.sudo);
export const undoArgv = (yum: YumSection, transaction: number): string[] =>
  withSudo(['yum', 'history', 'undo', '-y', String(transaction)], yum.sudo);
export const downgradeArgv = (yum: YumSection, version: string): string[] =>
  withSudo(['yum', 'downgrade', '-y', `${yum.package}-${version}`], yum.sudo);
