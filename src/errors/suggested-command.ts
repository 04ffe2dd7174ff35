/** The commands of the `/rollback` grammar, as a message may suggest them. */
export type CommandWord = 'rollback' | 'status' | 'versions' | 'history' | 'cancel' | 'release' | 'snapshot';

/**
 * A command a message suggests typing next, as data rather than text, so each surface prints it in its
 * own syntax: `/rollback status X` in Slack and the web console, `rollback-bot status X` in the CLI.
 * `args` are the words after the command word (for `rollback`, the service first); an option and its
 * value are two words (`['kaizen', '--reason', 'fixed forward']`).
 */
export interface SuggestedCommand {
  command: CommandWord;
  args: readonly string[];
}

export function suggestCommand(command: CommandWord, ...args: string[]): SuggestedCommand {
  return { command, args };
}
