import type { CommandWord } from '../errors/suggested-command.js';

export type CommandName = CommandWord;

/** What follows each command's word, the same on every surface: `/rollback status [job-id]`, `rollback-bot status [job-id]`. */
export const USAGE: Readonly<Record<CommandName, string>> = {
  rollback:
    '<service> [version|previous|revision:N] [--to-revision N] [--strategy NAME] [--dry-run] [--reason "..."]',
  status: '[job-id]',
  versions: '<service>',
  history: '<service>',
  cancel: '<job-id>',
  release: '<service> --reason "..."',
  snapshot: '<service> [--label pre-deploy]',
};
