import type { VerifySection } from '../../config/service-schema.js';
import { describeError } from '../../errors/rollback-error.js';
import type { CheckResult, MonitoringChecks } from '../ports/monitoring-checks.js';

export interface MonitoringOutcome {
  /** One detail line per check (and its alerts or series). */
  details: string[];
  /** Summary parts: "no alerts firing", "error-rate ok", "alerts not checked". */
  parts: string[];
  /** Failed checks, one line each; a check that could not be asked is reported, not failed. */
  failures: string[];
}

/**
 * The runbook's "Alerts are not firing" and "Metrics are being collected", as the service configures
 * them (`verify.alerts`, `verify.metrics`), each within its timeout. A failing check fails verification;
 * a monitoring system that cannot be asked is said plainly and does not (the rollback is already done).
 */
export async function runMonitoringChecks(
  checks: MonitoringChecks | undefined,
  verify: Pick<VerifySection, 'alerts' | 'metrics'>,
  signal: AbortSignal,
): Promise<MonitoringOutcome> {
  const outcome: MonitoringOutcome = { details: [], parts: [], failures: [] };
  if (!checks) return outcome;
  if (verify.alerts) {
    const { alertmanagerUrl, matchers, timeout } = verify.alerts;
    const result = await ask(() =>
      checks.checkAlerts({ alertmanagerUrl, matchers }, within(signal, timeout)),
    );
    record(outcome, 'alerts', result, (r) => (r.ok ? 'no alerts firing' : 'alerts firing'));
  }
  for (const metric of verify.metrics ?? []) {
    const { timeout, ...spec } = metric;
    const result = await ask(() => checks.checkMetric(spec, within(signal, timeout)));
    record(outcome, metric.name, result, (r) =>
      r.ok ? `${metric.name} ok` : `${metric.name} ${r.outcome === 'no_data' ? 'no data' : 'failed'}`,
    );
  }
  return outcome;

  async function ask(run: () => Promise<CheckResult>): Promise<CheckResult | string> {
    try {
      return await run();
    } catch (error) {
      if (signal.aborted) throw error;
      return describeError(error).message;
    }
  }
}

function record(
  outcome: MonitoringOutcome,
  name: string,
  result: CheckResult | string,
  part: (result: CheckResult) => string,
): void {
  if (typeof result === 'string') {
    outcome.details.push(`${name}: not checked: ${result}`);
    outcome.parts.push(`${name} not checked`);
    return;
  }
  outcome.details.push([result.summary, ...result.details.map((d) => `  ${d}`)].join('\n'));
  outcome.parts.push(part(result));
  if (!result.ok) outcome.failures.push(result.summary);
}

function within(signal: AbortSignal, seconds: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(seconds * 1000)]);
}
