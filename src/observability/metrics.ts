import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's Prometheus metrics, in a registry of its own (so tests and several bots never collide). */
export class Metrics {
  readonly registry = new Registry();

  readonly rollbacksFinished = new Counter({
    name: 'rollbackbot_rollbacks_finished_total',
    help: 'Rollbacks that ended, by service, strategy and outcome (succeeded, failed, cancelled).',
    labelNames: ['service', 'strategy', 'state'] as const,
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

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'rollbackbot_' });
  }
}
