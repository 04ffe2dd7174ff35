import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One site's queue as a scrape sees it (queue/site-queue-stats.ts reads it from Redis). */
export interface QueueStat {
  site: string;
  waiting: number;
  active: number;
  delayed: number;
  oldestWaitingSeconds: number;
  liveWorkers: number;
}

/** The bot's Prometheus metrics, in a registry of its own (so tests and several bots never collide). */
export class Metrics {
  readonly registry = new Registry();

  readonly rollbacksFinished = new Counter({
    name: 'rollbackbot_rollbacks_finished_total',
    help: 'Rollbacks that ended, by service, strategy and outcome (succeeded, failed, cancelled).',
    labelNames: ['service', 'strategy', 'state'] as const,
    registers: [this.registry],
  });

  readonly inboundEvents = new Counter({
    name: 'rollbackbot_inbound_events_total',
    help: 'PagerDuty events and actions read from the inbound stream, by outcome (handled at once, queued for a retry, dropped).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rollbackDuration = new Histogram({
    name: 'rollbackbot_rollback_duration_seconds',
    help: 'From the first step to the end of a rollback.',
    labelNames: ['strategy', 'state'] as const,
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly stepsFinished = new Counter({
    name: 'rollbackbot_steps_finished_total',
    help: 'Rollback steps that ended, by step id and state (done, skipped, failed, cancelled).',
    labelNames: ['step', 'state'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'rollbackbot_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route; /slack/events must answer within 3 s.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });

  /**
   * Queue depth, oldest waiting job and live workers per site, read from Redis when scraped (Redis holds
   * one truth for every process: aggregate with `max by (site)`). A scrape while Redis does not answer
   * leaves these out rather than failing /metrics.
   */
  watchQueues(read: () => Promise<QueueStat[]>): void {
    const registers = [this.registry];
    const latest = async (): Promise<QueueStat[] | undefined> => {
      try {
        return await read();
      } catch {
        return undefined;
      }
    };
    new Gauge({
      name: 'rollbackbot_queue_jobs',
      help: 'Rollback jobs in each site queue, by state (waiting, active, delayed).',
      labelNames: ['site', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const s of (await latest()) ?? []) {
          this.set({ site: s.site, state: 'waiting' }, s.waiting);
          this.set({ site: s.site, state: 'active' }, s.active);
          this.set({ site: s.site, state: 'delayed' }, s.delayed);
        }
      },
    });
    new Gauge({
      name: 'rollbackbot_queue_oldest_waiting_seconds',
      help: 'Age of the job next in line in each site queue (0: none waits). Grows while a site has no worker.',
      labelNames: ['site'] as const,
      registers,
      async collect() {
        this.reset();
        for (const s of (await latest()) ?? []) this.set({ site: s.site }, s.oldestWaitingSeconds);
      },
    });
    new Gauge({
      name: 'rollbackbot_site_workers',
      help: 'Live workers per site (heartbeats not expired).',
      labelNames: ['site'] as const,
      registers,
      async collect() {
        this.reset();
        for (const s of (await latest()) ?? []) this.set({ site: s.site }, s.liveWorkers);
      },
    });
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'rollbackbot_' });
  }
}
