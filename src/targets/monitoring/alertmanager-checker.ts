import { z } from 'zod';
import { PermanentError } from '../../errors/rollback-error.js';
import type { AlertChecker, AlertCheckSpec, CheckResult } from '../../rollback/ports/monitoring-checks.js';
import { evaluateFiringAlerts } from '../../rollback/verify/evaluate-monitoring.js';
import { getMonitoringJson, joinUrl, type MonitoringHttpOptions } from './get-monitoring-json.js';

/** The fields of Alertmanager's `gettableAlert` the check reads. */
const alertsSchema = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()).optional(),
    startsAt: z.string().optional(),
    status: z.object({ state: z.string() }).optional(),
  }),
);

/**
 * Alertmanager API v2: `GET /api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false`
 * with one `filter` per matcher; the check passes when nothing comes back.
 */
export class AlertmanagerChecker implements AlertChecker {
  constructor(private readonly options: MonitoringHttpOptions) {}

  async checkAlerts(spec: AlertCheckSpec, signal?: AbortSignal): Promise<CheckResult> {
    const query = new URLSearchParams({
      active: 'true',
      silenced: 'false',
      inhibited: 'false',
      unprocessed: 'false',
    });
    for (const matcher of spec.matchers) query.append('filter', matcher);
    const url = joinUrl(spec.alertmanagerUrl, 'api/v2/alerts', query);
    const answer = await getMonitoringJson('Alertmanager', url, {
      ...this.options,
      ...(signal ? { signal } : {}),
    });
    if (answer.status !== 200) {
      const detail = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      throw new PermanentError(
        'monitoring_rejected',
        `Alertmanager refused the alert query (${answer.status}): ${detail.slice(0, 300)}`,
        {
          hint: 'Check verify.alerts.matchers in the service YAML (Alertmanager matcher syntax: name="value").',
        },
      );
    }
    const parsed = alertsSchema.safeParse(answer.body);
    if (!parsed.success)
      throw new PermanentError(
        'monitoring_rejected',
        `Alertmanager at ${url.host} answered something that is not a list of alerts.`,
      );
    const firing = parsed.data.filter((a) => (a.status?.state ?? 'active') === 'active');
    return evaluateFiringAlerts(
      spec,
      firing.map((a) => ({
        labels: a.labels,
        ...(a.annotations ? { annotations: a.annotations } : {}),
        ...(a.startsAt ? { startsAt: a.startsAt } : {}),
      })),
    );
  }
}
