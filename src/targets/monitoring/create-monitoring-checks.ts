import type { MonitoringChecks } from '../../rollback/ports/monitoring-checks.js';
import { AlertmanagerChecker } from './alertmanager-checker.js';
import type { MonitoringHttpOptions } from './get-monitoring-json.js';
import { PrometheusChecker } from './prometheus-checker.js';

/** Both monitoring checks over HTTP, sharing timeouts, retries and logger. */
export function createMonitoringChecks(options: MonitoringHttpOptions): MonitoringChecks {
  const log = options.log.child({ component: 'monitoring' });
  const alerts = new AlertmanagerChecker({ ...options, log });
  const metrics = new PrometheusChecker({ ...options, log });
  return {
    checkAlerts: (spec, signal) => alerts.checkAlerts(spec, signal),
    checkMetric: (spec, signal) => metrics.checkMetric(spec, signal),
  };
}
