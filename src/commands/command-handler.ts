import type { Logger } from '../observability/logger.js';
import { describeError, InputError, RollbackError } from '../rollback/errors.js';
import type { RollbackRequest } from '../rollback/plan.js';
import type { Requester } from '../rollback/progress-snapshot.js';
import type { RollbackService } from '../rollback/rollback-service.js';
import type { CommandReply, ReplyError } from './command-reply.js';
import { parseCommand } from './parse-command.js';
import type { ParsedCommand } from './parsed-command.js';

export interface CommandContext {
  requester: Requester;
  /** Where the command was typed (a Slack channel id); status messages go there. */
  channel?: string;
  signal?: AbortSignal;
}

/**
 * Runs one `/rollback ...` command text for any surface and returns a neutral reply. It never throws:
 * every failure becomes an error reply that tells the user what happened and what to do.
 */
export class CommandHandler {
  constructor(
    private readonly rollbacks: RollbackService,
    private readonly log: Logger,
  ) {}

  parse(text: string): ParsedCommand {
    return parseCommand(text);
  }

  async handle(text: string, context: CommandContext): Promise<CommandReply> {
    return this.execute(this.parse(text), context);
  }

  async execute(command: ParsedCommand, context: CommandContext): Promise<CommandReply> {
    try {
      return await this.dispatch(command, context);
    } catch (error) {
      return { kind: 'error', error: this.toReplyError(error) };
    }
  }

  private async dispatch(command: ParsedCommand, context: CommandContext): Promise<CommandReply> {
    const { signal } = context;
    switch (command.kind) {
      case 'help':
        return { kind: 'help' };
      case 'invalid':
        return { kind: 'error', error: { code: command.code, message: command.message, hint: command.hint } };
      case 'rollback': {
        if (command.breakGlass && context.requester.source !== 'cli') {
          throw new InputError('break_glass_not_allowed', '`--break-glass` is only accepted from the CLI.', {
            hint: 'In chat, ask an approver to approve the rollback instead.',
          });
        }
        const request: RollbackRequest = {
          service: command.service,
          dryRun: command.dryRun,
          requester: context.requester,
          ...(command.version === undefined ? {} : { version: command.version }),
          ...(command.toRevision === undefined ? {} : { toRevision: command.toRevision }),
          ...(command.strategy === undefined ? {} : { strategy: command.strategy }),
          ...(command.reason === undefined ? {} : { reason: command.reason }),
          ...(context.channel === undefined ? {} : { channel: context.channel }),
        };
        const result = await this.rollbacks.submit(request, signal);
        return { kind: 'plan', plan: result.plan, enqueued: result.kind === 'enqueued' };
      }
      case 'versions': {
        const { service, entries } = await this.rollbacks.versions(command.service, signal);
        return { kind: 'versions', service: service.name, entries };
      }
      case 'status': {
        if (command.jobId === undefined) {
          return { kind: 'recent', title: 'Recent rollbacks', snapshots: await this.rollbacks.recent(5) };
        }
        const snapshot = await this.rollbacks.status(command.jobId);
        if (!snapshot) {
          throw new InputError('unknown_job', `No rollback with id "${command.jobId}".`, {
            hint: 'Type `/rollback status` to list recent rollbacks.',
          });
        }
        return { kind: 'status', snapshot };
      }
      case 'history': {
        this.rollbacks.service(command.service);
        return {
          kind: 'recent',
          title: `Last rollbacks of ${command.service}`,
          snapshots: await this.rollbacks.recent(10, command.service),
        };
      }
      case 'cancel':
      case 'release':
        throw new InputError('not_available', `\`${command.kind}\` is not available on this bot yet.`, {
          hint: 'A running rollback finishes its current step; ask an operator to stop the worker if you must.',
        });
    }
  }

  private toReplyError(error: unknown): ReplyError {
    if (error instanceof InputError) {
      const suggestions = (error as InputError & { suggestions?: string[] }).suggestions;
      return { ...describeError(error), ...(suggestions ? { suggestions } : {}) };
    }
    if (error instanceof RollbackError) {
      this.log.warn({ error: describeError(error) }, 'command failed');
      return describeError(error);
    }
    this.log.error({ err: error }, 'command failed unexpectedly');
    return {
      code: 'internal',
      message: 'Something went wrong on the bot while handling this command; nothing was changed.',
      hint: 'Try again; if it keeps failing, look at the bot logs.',
    };
  }
}
