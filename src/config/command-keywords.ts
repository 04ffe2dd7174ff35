/**
 * First words of `/rollback` that name a command rather than a service. The command parser reads them as
 * commands, so the catalog refuses services with these names. Kept here, below both, so that the catalog
 * does not depend on the command grammar.
 */
export const COMMAND_KEYWORDS = [
  'status',
  'versions',
  'history',
  'cancel',
  'release',
  'snapshot',
  'help',
] as const;
