import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { RetryableError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { RollbackRequest } from '../rollback/plan.js';
import type { SitePresence } from '../rollback/ports/site-workers.js';
import type { ResolvedPlan, VersionEntry } from '../rollback/strategy.js';
import { checkSiteWorkers } from '../rollback/worker-wait.js';
import { errorFromReply, planReplySchema, type PlanCall, type PlanReply } from './plan-messages.js';
import { planQueueName } from './site-queues.js';

export interface SitePlannerOptions {
  connection: ConnectionOptions;
  /** `${keyPrefix}:bull`, like the rollback queues. */
  prefix: string;
  presence: SitePresence;
  /** How long a caller waits for a worker's answer (default 20 s). */
  timeoutMs?: number;
  log: Logger;
}

/** One site's planning queue and the events its answers arrive on, opened on first use. */
interface SiteLine {
  queue: Queue<PlanCall, PlanReply>;
  events: QueueEvents;
}

/**
 * The web side of planning on the site: sends a plan or versions call to the planning queue of the
 * service's site and waits (bounded) for a worker's reply. Says at once, without queueing anything, when no
 * worker runs in the site or none of them runs the strategy. Slack's 3 s acknowledgement is not at stake:
 * the Slack handler answers "working on it" and follows up when planning takes longer.
 */
export class SitePlanner {
  private readonly lines = new Map<string, SiteLine>();
  private readonly timeoutMs: number;

  constructor(private readonly options: SitePlannerOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  async resolve(
    site: string,
    call: { service: string; strategy: string; request: RollbackRequest },
  ): Promise<{ resolved: ResolvedPlan; steps: { id: string; title: string }[] }> {
    const reply = await this.call(site, { op: 'resolve', ...call, deadline: Date.now() + this.timeoutMs });
    if ('resolved' in reply) return reply;
    throw unexpected(site);
  }

  async versions(site: string, call: { service: string; strategy: string }): Promise<VersionEntry[]> {
    const reply = await this.call(site, { op: 'versions', ...call, deadline: Date.now() + this.timeoutMs });
    if ('versions' in reply) return reply.versions;
    throw unexpected(site);
  }

  async close(): Promise<void> {
    const lines = [...this.lines.values()];
    this.lines.clear();
    await Promise.all(lines.flatMap(({ queue, events }) => [queue.close(), events.close()]));
  }

  private async call(site: string, call: PlanCall): Promise<Exclude<PlanReply, { error: unknown }>> {
    await this.assertWorkers(site, call);
    const { queue, events } = this.line(site);
    const job = await queue
      .add(call.op, call, { attempts: 1, removeOnComplete: { age: 300 }, removeOnFail: { age: 300 } })
      .catch((error: unknown) => {
        throw new RetryableError(
          'queue_unavailable',
          'The job queue (Redis) did not answer; nothing was queued.',
          {
            cause: error,
            hint: 'Try again in a moment.',
          },
        );
      });
    let raw: unknown;
    try {
      raw = await job.waitUntilFinished(events, this.timeoutMs);
    } catch (error) {
      // Nobody took it (or the answer is late): take it back so no worker reads the cluster for nothing.
      await job.remove().catch(() => undefined);
      throw new RetryableError(
        'site_planner_unavailable',
        `No worker of site ${site} answered within ${Math.round(this.timeoutMs / 1000)} s, so the plan for ${call.service} could not be made there; nothing was queued.`,
        {
          cause: error,
          hint: `Try again in a moment; if it persists, check the workers of site ${site} (their logs, and whether they reach Redis).`,
        },
      );
    }
    const reply = planReplySchema.safeParse(raw);
    if (!reply.success) throw unexpected(site);
    if ('error' in reply.data) throw errorFromReply(reply.data.error);
    return reply.data;
  }

  /** No live worker, or none that runs the strategy: say so now instead of waiting for the timeout. */
  private async assertWorkers(site: string, call: PlanCall): Promise<void> {
    const plan = { service: call.service, site, strategy: call.strategy };
    const wait = await checkSiteWorkers(this.options.presence, plan, new Date());
    if (wait?.reason !== 'no_worker') return;
    throw new RetryableError(
      'site_planner_unavailable',
      `No worker is running in site ${site}, where plans for ${call.service} are made (this web process does not read that site's targets); nothing was queued.`,
      {
        hint: `Start a worker there (ROLE=worker with WORKER_SITES including ${site}), or check why the workers of site ${site} stopped.`,
      },
    );
  }

  private line(site: string): SiteLine {
    let line = this.lines.get(site);
    if (!line) {
      const name = planQueueName(site);
      const { connection, prefix, log } = this.options;
      line = {
        queue: new Queue<PlanCall, PlanReply>(name, { connection, prefix }),
        events: new QueueEvents(name, { connection, prefix }),
      };
      line.queue.on('error', (error) => log.warn({ err: error, site }, 'planning queue: Redis error'));
      line.events.on('error', (error) => log.warn({ err: error, site }, 'planning events: Redis error'));
      this.lines.set(site, line);
    }
    return line;
  }
}

function unexpected(site: string): RetryableError {
  return new RetryableError(
    'site_planner_unavailable',
    `A worker of site ${site} answered with something this version does not understand; nothing was queued.`,
    { hint: 'Web and worker processes may run different versions: upgrade them to the same one.' },
  );
}
