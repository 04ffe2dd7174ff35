import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CommandHandler } from '../../commands/command-handler.js';
import type { Logger } from '../../observability/logger.js';
import type { RedisKeys } from '../../stores/redis-keys.js';
import { renderConsolePage } from '../../render/html/console-page.js';
import { renderConsoleReply } from '../../render/html/console-reply.js';
import { renderConsoleStatusCard } from '../../render/html/console-status-card.js';
import type { SafeHtml } from '../../render/html/safe-html.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { RedisClient } from '../../stores/redis-client.js';
import { consoleAction, type ConsoleActionDeps, type ConsoleApprovals } from './console-actions.js';
import { loadConsoleAssets } from './console-assets.js';
import { ConsoleEventHub } from './console-event-hub.js';
import {
  bodyOf,
  checkSameOrigin,
  ConsoleRequestError,
  consoleRequester,
  stringField,
} from './console-request.js';

export type { ConsoleApprovals } from './console-actions.js';

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
  /** Ticks checklist items (the checkboxes of the checklists in each card's thread); without it they are read-only. */
  checklists?: ConsoleActionDeps['checklists'];
  reportUrl?: (jobId: string) => string | undefined;
  /** Shown as the channel's name. Default "#incidents". */
  channel?: string;
  assetsDir?: string;
}

const RECENT = 20;

/**
 * The console page may load its own script, style sheet and event stream and nothing else, and may not be
 * framed. (Which host names it answers to is the server's host policy, shared by every route.)
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Card = (snapshot: ProgressSnapshot) => SafeHtml;

/**
 * The local web console (GET /, POST /console/commands, POST /console/actions (buttons and checklist
 * ticks), GET /console/events):
 * an incident channel in the browser, drawing the same command replies and snapshots as Slack.
 */
export function consoleRoutes(options: ConsoleRoutesOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const card: Card = (snapshot) => {
      const reportUrl = options.reportUrl?.(snapshot.jobId);
      return renderConsoleStatusCard(snapshot, {
        canApprove: options.approvals !== undefined,
        canTick: options.checklists !== undefined,
        ...(reportUrl ? { reportUrl } : {}),
      });
    };
    await pageRoutes(app, options, card);
    await liveRoutes(app, options, card);
    commandRoutes(app, options);
  };
}

/** The page and its two assets. */
async function pageRoutes(app: FastifyInstance, options: ConsoleRoutesOptions, card: Card): Promise<void> {
  const assets = await loadConsoleAssets(options.assetsDir);
  app.get('/', async (_request, reply) => {
    const recent = await options.rollbacks.recent(RECENT);
    const page = renderConsolePage({
      cards: recent.reverse().map(card),
      services: serviceList(options.catalog),
      channel: options.channel ?? '#incidents',
    });
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CSP)
      .header('referrer-policy', 'no-referrer')
      .send(page.value);
  });
  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).send({ error: 'no such asset' });
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
}

function serviceList(catalog: ServiceCatalog) {
  return catalog.names().flatMap((name) => {
    const s = catalog.get(name);
    if (!s) return [];
    return [
      {
        name,
        environment: s.environment,
        strategy: s.strategy,
        ...(s.description ? { description: s.description } : {}),
      },
    ];
  });
}

/** The server-sent events stream: every published snapshot, drawn as a card. */
async function liveRoutes(app: FastifyInstance, options: ConsoleRoutesOptions, card: Card): Promise<void> {
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
  app.get('/console/events', async (_request, reply) => {
    const recent = await options.rollbacks.recent(RECENT);
    reply.hijack();
    hub.attach(reply.raw, recent.reverse());
  });
}

/** Typed commands and button clicks, as JSON from the page only. */
function commandRoutes(app: FastifyInstance, options: ConsoleRoutesOptions): void {
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
      return consoleAction(options, bodyOf(request));
    }),
  );
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
