/**
 * Automated checks from the runbook's verification list ("Alerts are not firing", "Metrics are being
 * collected"): Alertmanager and Prometheus behind small ports, implemented in `targets/monitoring`. Each
 * check returns a neutral result a verify step can show as a detail line; a monitoring system that cannot
 * be asked throws RetryableError (unreachable, 5xx, 429, timeout) or PermanentError (bad query or
 * matcher, 401/403), never a pass.
 */
export interface CheckResult {
  /** True only when the check passed; "no data" is not a pass. */
  ok: boolean;
  outcome: 'passed' | 'failed' | 'no_data';
  /** One line: "No alerts firing for service="kaizen"", "error-rate: 0.012 < 0.05". */
  summary: string;
  /** One line per alert or series (at most a dozen). */
  details: string[];
}

export interface AlertCheckSpec {
  /** Base URL of Alertmanager (`http://alertmanager:9093`, may include a path prefix). */
  alertmanagerUrl: string;
  /** Alertmanager matchers that select the service's alerts: `service="kaizen"`, `severity=~"critical|page"`. */
  matchers: readonly string[];
}

export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface MetricCheckSpec {
  /** A short name for messages: `error-rate`. */
  name: string;
  /** Base URL of Prometheus (or a Prometheus-compatible API: Thanos, Mimir, VictoriaMetrics). */
  prometheusUrl: string;
  /** A PromQL instant query; every series it returns must satisfy `op value`. */
  query: string;
  op: ComparisonOp;
  value: number;
}

export interface AlertChecker {
  /** Passes when no active, unsilenced, uninhibited alert matches all the matchers. */
  checkAlerts(spec: AlertCheckSpec, signal?: AbortSignal): Promise<CheckResult>;
}

export interface MetricChecker {
  /** Passes when the query returns at least one series and every series satisfies the threshold. */
  checkMetric(spec: MetricCheckSpec, signal?: AbortSignal): Promise<CheckResult>;
}

export type MonitoringChecks = AlertChecker & MetricChecker;
