import { invalidCommandError, parseCommand } from '../commands/parse-command.js';
import type { ReplyError } from '../commands/command-reply.js';
import type { RollbackCommand } from '../commands/parsed-command.js';
import { renderErrorText, renderReplyText } from '../render/terminal/render-reply-text.js';
import type { RollbackCore } from '../main/build-rollback-core.js';
import type { RollbackPlan } from '../rollback/plan.js';
import type { ProgressSnapshot } from '../rollback/progress-snapshot.js';
import { reportLink } from '../transport/http/report-link.js';
import { announceBreakGlass } from './announce-break-glass.js';
import type { CliContext } from './cli-context.js';
import { commandText, type CommandWord } from './command-text.js';
import { CliExit, EXIT, type ExitCode } from './exit-codes.js';
import { followRollback, type FollowMode } from './follow-rollback.js';
import { cliLogger, openCore } from './open-core.js';

export interface RollbackOptions {
  toRevision?: string;
  dryRun?: boolean;
  reason?: string;
  strategy?: string;
  breakGlass?: boolean;
  force?: boolean;
  recover?: boolean;
  forward?: boolean;
  allowUnlisted?: boolean;
  follow?: boolean;
  json?: boolean;
}

/**
 * `rollback-bot rollback <service> [version] ...`: the same grammar, plan, queue, permissions and audit as
 * `/rollback` in Slack; the requester is the local user (source `cli`). A service that needs approvals
 * is refused unless `--break-glass --reason` is given, which is audited and announced in its channel.
 */
export async function runRollbackCommand(
  service: string,
  version: string | undefined,
  options: RollbackOptions,
  context: CliContext,
): Promise<ExitCode> {
  const { io } = context;
  const command = parseRollback(service, version, options);
  const config = context.config();
  const log = cliLogger(config);
  const core = await openCore(config, log);
  try {
    refuseWithoutBreakGlass(core, command);
    const reply = await core.commands.execute(command, { requester: context.requester });
    if (reply.kind === 'error') return refuse(reply.error, context, options.json);
    if (reply.kind !== 'plan') {
      io.out(renderReplyText(reply));
      return EXIT.ok;
    }
    const { plan } = reply;
    const reportUrl = config.publicUrl
      ? reportLink(config.publicUrl, plan.jobId, config.reportSigningKey)
      : undefined;
    if (!(options.json && options.follow)) {
      io.out(
        options.json
          ? JSON.stringify(reply)
          : renderReplyText(reply, {
              ...(reportUrl ? { reportUrl } : {}),
              following: options.follow === true,
            }),
      );
    }
    if (!reply.enqueued) return EXIT.ok;
    if (command.breakGlass) await recordBreakGlass(core, plan, context, reportUrl);
    if (!options.follow) return EXIT.ok;
    const mode: FollowMode = options.json ? 'json' : io.isTTY ? 'live' : 'lines';
    const final = await follow(core, plan.jobId, mode, context);
    return exitFor(final);
  } finally {
    await core.close();
  }
}

/** The argv words through the shared grammar, so every check and message is the one Slack users get. */
function parseRollback(
  service: string,
  version: string | undefined,
  options: RollbackOptions,
): RollbackCommand {
  const words: CommandWord[] = [service];
  if (version !== undefined) words.push(version);
  if (options.toRevision !== undefined) words.push({ option: '--to-revision' }, options.toRevision);
  if (options.strategy !== undefined) words.push({ option: '--strategy' }, options.strategy);
  if (options.reason !== undefined) words.push({ option: '--reason' }, options.reason);
  if (options.dryRun) words.push({ option: '--dry-run' });
  if (options.breakGlass) words.push({ option: '--break-glass' });
  if (options.force) words.push({ option: '--force' });
  if (options.recover) words.push({ option: '--recover' });
  if (options.forward) words.push({ option: '--forward' });
  if (options.allowUnlisted) words.push({ option: '--allow-unlisted' });
  const text = commandText(words);
  if (text === undefined) {
    throw refusal({
      code: 'unquotable',
      message: 'A value holds both kinds of quote marks followed by spaces.',
      hint: 'Rephrase the reason without one kind of quote.',
    });
  }
  const parsed = parseCommand(text);
  if (parsed.kind === 'invalid') throw refusal(invalidCommandError(parsed));
  if (parsed.kind !== 'rollback') {
    throw refusal({
      code: 'invalid_service',
      message: `"${service}" is a command word, not a service.`,
      hint: 'Try `rollback-bot status` or `rollback-bot --help`.',
    });
  }
  return parsed;
}

/** Where approval is required, the CLI runs only as break-glass, with a reason (dry runs change nothing). */
function refuseWithoutBreakGlass(core: RollbackCore, command: RollbackCommand): void {
  const required = core.catalog.get(command.service)?.approval.required ?? 0;
  if (command.dryRun) return;
  if (required > 0 && !command.breakGlass) {
    throw refusal({
      code: 'approval_required',
      message: `${command.service} needs ${required} approval${required === 1 ? '' : 's'} before a rollback; the CLI cannot collect approvals.`,
      hint: `Ask in Slack (or the web console) for approval, or, if you must act now: rollback-bot rollback ${command.service} ... --break-glass --reason "why". Break-glass is audited and announced in the service's channel.`,
    });
  }
  if (command.breakGlass && (command.reason === undefined || command.reason.trim() === '')) {
    throw refusal({
      code: 'break_glass_needs_reason',
      message: '`--break-glass` needs a reason.',
      hint: 'Say why approvals are skipped: --break-glass --reason "Slack is down, error rate 40%".',
    });
  }
}

/** Audits the break-glass (unless the rollback service already did) and announces it when Slack is set up. */
async function recordBreakGlass(
  core: RollbackCore,
  plan: RollbackPlan,
  context: CliContext,
  reportUrl: string | undefined,
): Promise<void> {
  const { io, requester } = context;
  try {
    const entries = await core.audit.list({ jobId: plan.jobId, limit: 50 });
    if (!entries.some((entry) => entry.type === 'break_glass')) {
      await core.audit.append({
        type: 'break_glass',
        actor: requester,
        service: plan.service,
        jobId: plan.jobId,
        detail: `approvals skipped; reason: ${plan.request.reason ?? ''}`,
      });
    }
  } catch (error) {
    io.err(
      `✖ Could not write the break-glass audit entry: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const slack = context.config().slack;
  const channel = core.catalog.get(plan.service)?.channel;
  if (!slack || channel === undefined) {
    io.err(
      'Break-glass: Slack is not configured, so nothing was announced; tell the incident channel yourself.',
    );
    return;
  }
  const announced = await announceBreakGlass(slack, channel, plan, reportUrl);
  if (announced.ok) io.err(`Break-glass announced in ${announced.channel}.`);
  else
    io.err(
      `✖ Could not announce the break-glass in ${announced.channel} (${announced.error}); the rollback goes on. Tell the channel yourself.`,
    );
}

async function follow(
  core: RollbackCore,
  jobId: string,
  mode: FollowMode,
  context: CliContext,
): Promise<ProgressSnapshot | undefined> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    const final = await followRollback({
      jobId,
      mode,
      io: context.io,
      keys: core.keys,
      progress: core.progress,
      subscriber: () => core.connections.subscriber(),
      signal: stop.signal,
    });
    if (stop.signal.aborted) {
      throw new CliExit(
        EXIT.interrupted,
        `Stopped following; the rollback goes on. See where it stands: rollback-bot status ${jobId}`,
      );
    }
    return final;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function exitFor(snapshot: ProgressSnapshot | undefined): ExitCode {
  switch (snapshot?.state) {
    case 'succeeded':
      return EXIT.ok;
    case 'cancelled':
      return EXIT.cancelled;
    default:
      return EXIT.failed;
  }
}

/** Refusals print the same message and hint as Slack; a queue that did not answer is exit 4. */
export function refuse(error: ReplyError, context: CliContext, json = false): ExitCode {
  if (json) context.io.out(JSON.stringify({ error }));
  context.io.err(renderErrorText(error));
  return error.code === 'queue_unavailable' ? EXIT.unreachable : EXIT.refused;
}

function refusal(error: ReplyError): CliExit {
  return new CliExit(EXIT.refused, renderErrorText(error));
}
