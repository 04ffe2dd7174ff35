import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CommandHandler } from '../../commands/command-handler.js';
import { replyError, type CommandReply } from '../../commands/command-reply.js';
import type { Logger } from '../../observability/logger.js';
import type { RedisKeys } from '../../stores/redis-keys.js';
import { renderConsolePage } from '../../render/html/console-page.js';
import { renderConsoleReply } from '../../render/html/console-reply.js';
import { renderConsoleStatusCard } from '../../render/html/console-status-card.js';
import { RollbackError } from '../../errors/rollback-error.js';
import type { ProgressSnapshot, Requester } from '../../rollback/progress-snapshot.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import { loadConsoleAssets } from './console-assets.js';
import { ConsoleEventHub } from './console-event-hub.js';
import {
  bodyOf,
  checkSameOrigin,
  ConsoleRequestError,
  consoleRequester,
  stringField,
} from './console-request.js';
import type { RedisClient } from '../../stores/redis-client.js';

/** The application service the Slack buttons call (ApprovalService); errors are its refusals. */
export interface ConsoleApprovals {
  approve(jobId: string, actor: Requester): Promise<{ message: string }>;
  /** Withdraws a plan still waiting for approvals. */
  cancel(jobId: string, actor: Requester): Promise<{ message: string }>;
  isPending(jobId: string): Promise<boolean>;
}

export interface ConsoleRoutesOptions {
  commands: CommandHandler;
  /** Latest snapshots: recent ones for the page, one by id for each event. */
  rollbacks: {
    recent(limit: number): Promise<ProgressSnapshot[]>;
    status(jobId: string): Promise<ProgressSnapshot | undefined>;
  };
  catalog: ServiceCatalog;
  /** Opens the connection of the live-update subscription. */
  subscriber: () => RedisClient;
  keys: RedisKeys;
  log: Logger;
  /** Without it, the Approve button is not shown and approving answers that it is not available. */
  approvals?: ConsoleApprovals;
  reportUrl?: (jobId: string) => string | undefined;
  /** Shown as the channel's name. Default "#incidents". */
  channel?: string;
  assetsDir?: string;
  /**
   * Host names (besides localhost, 127.0.0.1 and ::1) the console answers to: the configured HOST and the
   * PUBLIC_URL host. Any other Host header is refused, so a DNS-rebinding page cannot drive the console.
   */
  allowedHosts?: string[];
}

const RECENT = 20;
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The local web console (GET /, POST /console/commands, POST /console/actions, GET /console/events):
 * an incident channel in the browser, drawing the same command replies and snapshots as Slack.
 */
export function consoleRoutes(options: ConsoleRoutesOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const assets = await loadConsoleAssets(options.assetsDir);
    const card = (snapshot: ProgressSnapshot) => {
      const reportUrl = options.reportUrl?.(snapshot.jobId);
      return renderConsoleStatusCard(snapshot, {
        canApprove: options.approvals !== undefined,
        ...(reportUrl ? { reportUrl } : {}),
      });
    };
    const hub = new ConsoleEventHub({
      subscriber: options.subscriber,
      keys: options.keys,
      log: options.log,
      read: (jobId) => options.rollbacks.status(jobId),
      render: (snapshot) => ({
        jobId: snapshot.jobId,
        version: snapshot.version,
        state: snapshot.state,
        html: card(snapshot).value,
      }),
    });
    await hub.start();
    app.addHook('preClose', async () => hub.close());
    const allowedHosts = new Set(['localhost', '127.0.0.1', '[::1]', ...(options.allowedHosts ?? [])]);
    app.addHook('onRequest', async (request, reply) => {
      if (!allowedHosts.has(hostnameOf(request.headers.host))) {
        return reply.code(421).type('text/plain').send('This console only answers on its own host name.');
      }
    });

    app.get('/', async (_request, reply) => {
      const recent = await options.rollbacks.recent(RECENT);
      const services = options.catalog.names().flatMap((name) => {
        const s = options.catalog.get(name);
        return s
          ? [
              {
                name,
                environment: s.environment,
                strategy: s.strategy,
                ...(s.description ? { description: s.description } : {}),
              },
            ]
          : [];
      });
      const page = renderConsolePage({
        cards: recent.reverse().map(card),
        services,
        channel: options.channel ?? '#incidents',
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value);
    });

    app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) return reply.code(404).send({ error: 'no such asset' });
      return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
    });

    app.get('/console/events', async (_request, reply) => {
      const recent = await options.rollbacks.recent(RECENT);
      reply.hijack();
      hub.attach(reply.raw, recent.reverse());
    });

    app.post('/console/commands', async (request, reply) =>
      answer(reply, async () => {
        checkSameOrigin(request);
        const body = bodyOf(request);
        const requester = consoleRequester(body);
        const text = stringField(body, 'text', 2000).trim();
        const typed = `/rollback ${text.replace(/^\/rollback\b\s*/i, '')}`.trim();
        const result = await options.commands.handle(text, { requester });
        const jobId = result.kind === 'plan' ? result.plan.jobId : undefined;
        return {
          kind: result.kind,
          ...(jobId ? { jobId } : {}),
          html: renderConsoleReply(result, { name: requester.name, text: typed }).value,
        };
      }),
    );

    app.post('/console/actions', async (request, reply) =>
      answer(reply, async () => {
        checkSameOrigin(request);
        const body = bodyOf(request);
        const requester = consoleRequester(body);
        const action = stringField(body, 'action', 20);
        const jobId = stringField(body, 'jobId', 128);
        if (!JOB_ID.test(jobId)) throw new ConsoleRequestError(400, 'Not a job id.');
        let result: CommandReply;
        if (action === 'cancel') result = await cancel(options, jobId, requester);
        else if (action === 'approve') result = await approve(options, jobId, requester);
        else throw new ConsoleRequestError(400, 'Unknown action: use approve or cancel.');
        const label = action === 'cancel' ? 'Cancel rollback' : 'Approve';
        return {
          kind: result.kind,
          html: renderConsoleReply(result, {
            name: requester.name,
            text: `${label} on job ${jobId}`,
            clicked: true,
          }).value,
        };
      }),
    );
  };
}

/** As the Slack Approve button: the approval service decides (two-person rule, approvers, expiry). */
async function approve(
  options: ConsoleRoutesOptions,
  jobId: string,
  actor: Requester,
): Promise<CommandReply> {
  const approvals = options.approvals;
  if (!approvals) {
    return {
      kind: 'error',
      error: {
        code: 'not_available',
        message: 'Approving is not available on this bot.',
        hint: 'Cancel the request, or ask an operator.',
      },
    };
  }
  return noticeOrError(options.log, jobId, () => approvals.approve(jobId, actor));
}

/** As the Slack Cancel button: withdraws a plan awaiting approval, else `/rollback cancel <job>`. */
async function cancel(options: ConsoleRoutesOptions, jobId: string, actor: Requester): Promise<CommandReply> {
  const approvals = options.approvals;
  if (approvals && (await approvals.isPending(jobId).catch(() => false))) {
    return noticeOrError(options.log, jobId, () => approvals.cancel(jobId, actor));
  }
  return options.commands.execute({ kind: 'cancel', jobId }, { requester: actor });
}

async function noticeOrError(
  log: Logger,
  jobId: string,
  run: () => Promise<{ message: string }>,
): Promise<CommandReply> {
  try {
    return { kind: 'notice', text: (await run()).message };
  } catch (error) {
    if (error instanceof RollbackError) return { kind: 'error', error: replyError(error) };
    log.error({ err: error, jobId }, 'a console button failed unexpectedly');
    return {
      kind: 'error',
      error: {
        code: 'internal',
        message: 'Something went wrong on the bot; nothing was changed.',
        hint: 'Try again; if it keeps failing, look at the bot logs.',
      },
    };
  }
}

async function answer(
  reply: FastifyReply,
  work: () => Promise<{ kind: string; jobId?: string; html: string }>,
): Promise<FastifyReply> {
  try {
    return reply.header('cache-control', 'no-store').send(await work());
  } catch (error) {
    if (error instanceof ConsoleRequestError) return reply.code(error.status).send({ error: error.message });
    throw error;
  }
}

/** The host name of a Host header without its port ("[::1]:3000" -> "[::1]"). */
function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}
