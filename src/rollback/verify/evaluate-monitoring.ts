import type {
  AlertCheckSpec,
  CheckResult,
  ComparisonOp,
  MetricCheckSpec,
} from '../ports/monitoring-checks.js';

export interface FiringAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
}

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

const MAX_DETAILS = 10;

export function compareToThreshold(value: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** `{instance="10.0.0.1:8080", job="kaizen"}` (sorted, `__name__` first), or `{}`. */
export function formatLabels(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((key) => `${key}=${JSON.stringify(rest[key])}`)
    .join(', ');
  return `${name ?? ''}{${inner}}`;
}

function limited(lines: string[]): string[] {
  return lines.length <= MAX_DETAILS
    ? lines
    : [...lines.slice(0, MAX_DETAILS), `… and ${lines.length - MAX_DETAILS} more`];
}

/** The verify line for the alerts Alertmanager reported as firing for the service's matchers. */
export function evaluateFiringAlerts(spec: AlertCheckSpec, alerts: readonly FiringAlert[]): CheckResult {
  const selector = spec.matchers.join(', ');
  if (alerts.length === 0)
    return { ok: true, outcome: 'passed', summary: `No alerts firing for ${selector}`, details: [] };
  const names = [...new Set(alerts.map((a) => a.labels['alertname'] ?? 'unnamed'))];
  const details = alerts.map((a) => {
    const severity = a.labels['severity'] ? ` (${a.labels['severity']})` : '';
    const since = a.startsAt ? ` since ${a.startsAt}` : '';
    const text = a.annotations?.['summary'] ?? a.annotations?.['description'];
    return `${a.labels['alertname'] ?? 'unnamed'}${severity}${since}${text ? `: ${text}` : ''}`;
  });
  return {
    ok: false,
    outcome: 'failed',
    summary: `${alerts.length} alert${alerts.length === 1 ? '' : 's'} firing for ${selector}: ${names.join(', ')}`,
    details: limited(details),
  };
}

/** The verify line for a threshold over the series an instant query returned. */
export function evaluateMetricSamples(spec: MetricCheckSpec, samples: readonly MetricSample[]): CheckResult {
  const condition = `${spec.op} ${spec.value}`;
  if (samples.length === 0) {
    return {
      ok: false,
      outcome: 'no_data',
      summary: `${spec.name}: no data (the query returned no series), so ${condition} cannot be confirmed`,
      details: [`query: ${spec.query}`],
    };
  }
  const failing = samples.filter((s) => !compareToThreshold(s.value, spec.op, spec.value));
  const details = samples.map(
    (s) =>
      `${formatLabels(s.labels)} = ${s.value}${compareToThreshold(s.value, spec.op, spec.value) ? '' : ` (not ${condition})`}`,
  );
  if (failing.length === 0) {
    const shown =
      samples.length === 1
        ? `${samples[0]?.value} ${condition}`
        : `all ${samples.length} series ${condition}`;
    return { ok: true, outcome: 'passed', summary: `${spec.name}: ${shown}`, details: limited(details) };
  }
  const first = failing[0] as MetricSample;
  const summary =
    samples.length === 1
      ? `${spec.name}: ${first.value} is not ${condition}`
      : `${spec.name}: ${failing.length} of ${samples.length} series are not ${condition} (e.g. ${formatLabels(first.labels)} = ${first.value})`;
  return { ok: false, outcome: 'failed', summary, details: limited(details) };
}
