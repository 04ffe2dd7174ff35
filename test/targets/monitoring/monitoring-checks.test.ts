import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import type { MetricCheckSpec, MonitoringChecks } from '../../../src/rollback/ports/monitoring-checks.js';
import { createMonitoringChecks } from '../../../src/targets/monitoring/create-monitoring-checks.js';
import {
  startFakeAlertmanager,
  type FakeAlertmanager,
} from '../../support/fake-monitoring/fake-alertmanager.js';
import { startFakePrometheus, type FakePrometheus } from '../../support/fake-monitoring/fake-prometheus.js';

let alertmanager: FakeAlertmanager;
let prometheus: FakePrometheus;
let checks: MonitoringChecks;

beforeAll(async () => {
  [alertmanager, prometheus] = await Promise.all([startFakeAlertmanager(), startFakePrometheus()]);
  checks = createMonitoringChecks({
    log: silentLogger(),
    timeoutMs: 500,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
  });
});

afterAll(async () => {
  await Promise.all([alertmanager?.close(), prometheus?.close()]);
});

const ERROR_RATE =
  'sum(rate(http_requests_total{app="kaizen",code=~"5.."}[5m])) / sum(rate(http_requests_total{app="kaizen"}[5m]))';

describe('alert check against a fake Alertmanager (API v2)', () => {
  const spec = () => ({
    alertmanagerUrl: alertmanager.url,
    matchers: ['service="kaizen"', 'severity=~"critical|page"'],
  });

  beforeEach(() => {
    alertmanager.setAlerts([
      { labels: { alertname: 'DiskFull', service: 'billing', severity: 'critical' } },
      { labels: { alertname: 'HighLatency', service: 'kaizen', severity: 'warning' } },
      { labels: { alertname: 'KaizenDown', service: 'kaizen', severity: 'page' }, silenced: true },
    ]);
  });

  it("passes when none of the service's alerts fire (others, warnings and silenced ones do not count)", async () => {
    await expect(checks.checkAlerts(spec())).resolves.toEqual({
      ok: true,
      outcome: 'passed',
      summary: 'No alerts firing for service="kaizen", severity=~"critical|page"',
      details: [],
    });
    const query = alertmanager.requests.at(-1)?.searchParams;
    expect(query?.getAll('filter')).toEqual(['service="kaizen"', 'severity=~"critical|page"']);
    expect([query?.get('active'), query?.get('silenced'), query?.get('inhibited')]).toEqual([
      'true',
      'false',
      'false',
    ]);
  });

  it('fails with each firing alert on its own line', async () => {
    alertmanager.setAlerts([
      {
        labels: { alertname: 'HighErrorRate', service: 'kaizen', severity: 'critical' },
        annotations: { summary: '5xx above 5% for 10 minutes' },
        startsAt: '2026-11-30T10:00:00.000Z',
      },
      { labels: { alertname: 'PodCrashLooping', service: 'kaizen', severity: 'page' } },
    ]);

    const result = await checks.checkAlerts(spec());

    expect(result).toMatchObject({
      ok: false,
      outcome: 'failed',
      summary:
        '2 alerts firing for service="kaizen", severity=~"critical|page": HighErrorRate, PodCrashLooping',
    });
    expect(result.details[0]).toBe(
      'HighErrorRate (critical) since 2026-11-30T10:00:00.000Z: 5xx above 5% for 10 minutes',
    );
    expect(result.details[1]).toMatch(/^PodCrashLooping \(page\) since /);
  });

  it('reports a matcher Alertmanager refuses as a configuration problem', async () => {
    const error = await checks
      .checkAlerts({ alertmanagerUrl: alertmanager.url, matchers: ['service'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'monitoring_rejected',
      message: 'Alertmanager refused the alert query (400): bad matcher format: service',
    });
  });

  it('retries a 503 and reports an Alertmanager that stays down as retryable, never as a pass', async () => {
    alertmanager.injectFault({ status: 503 });
    await expect(checks.checkAlerts(spec())).resolves.toMatchObject({ ok: true });

    alertmanager.injectFault({ status: 503, times: 2 });
    const error = await checks.checkAlerts(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      message: `Alertmanager at ${alertmanager.url}/api/v2/alerts answered 503.`,
    });
  });

  it('keeps a path prefix of the Alertmanager URL', async () => {
    const error = await checks
      .checkAlerts({ ...spec(), alertmanagerUrl: `${alertmanager.url}/am` })
      .catch((e: unknown) => e);

    expect(alertmanager.requests.at(-1)?.pathname).toBe('/am/api/v2/alerts');
    expect(error).toBeInstanceOf(PermanentError);
  });
});

describe('metric check against a fake Prometheus', () => {
  const spec = (extra: Partial<MetricCheckSpec> = {}): MetricCheckSpec => ({
    name: 'error-rate',
    prometheusUrl: prometheus.url,
    query: ERROR_RATE,
    op: '<',
    value: 0.05,
    ...extra,
  });

  it('passes when the instant query is under the threshold', async () => {
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.012 }] });

    await expect(checks.checkMetric(spec())).resolves.toEqual({
      ok: true,
      outcome: 'passed',
      summary: 'error-rate: 0.012 < 0.05',
      details: ['{} = 0.012'],
    });
    expect(prometheus.requests.at(-1)?.searchParams.get('query')).toBe(ERROR_RATE);
  });

  it('fails when any series breaks the threshold, naming it', async () => {
    prometheus.setAnswer('up{app="kaizen"}', {
      vector: [
        { metric: { __name__: 'up', app: 'kaizen', instance: '10.0.0.1:8080' }, value: 1 },
        { metric: { __name__: 'up', app: 'kaizen', instance: '10.0.0.2:8080' }, value: 0 },
      ],
    });

    const result = await checks.checkMetric(
      spec({ name: 'scraped', query: 'up{app="kaizen"}', op: '==', value: 1 }),
    );

    expect(result).toMatchObject({
      ok: false,
      outcome: 'failed',
      summary: 'scraped: 1 of 2 series are not == 1 (e.g. up{app="kaizen", instance="10.0.0.2:8080"} = 0)',
    });
    expect(result.details).toEqual([
      'up{app="kaizen", instance="10.0.0.1:8080"} = 1',
      'up{app="kaizen", instance="10.0.0.2:8080"} = 0 (not == 1)',
    ]);
  });

  it('says "no data" when the query returns nothing: metrics are not being collected', async () => {
    const result = await checks.checkMetric(spec({ query: 'rate(kaizen_requests_total[5m])' }));

    expect(result).toEqual({
      ok: false,
      outcome: 'no_data',
      summary: 'error-rate: no data (the query returned no series), so < 0.05 cannot be confirmed',
      details: ['query: rate(kaizen_requests_total[5m])'],
    });
  });

  it('treats NaN as a failure and reads scalars and range vectors', async () => {
    prometheus.setAnswer('nan_query', { vector: [{ metric: {}, value: Number.NaN }] });
    prometheus.setAnswer('scalar(42)', { scalar: 42 });
    prometheus.setAnswer('up[1m]', { matrix: [{ metric: { job: 'kaizen' }, values: [0, 0, 1] }] });

    await expect(checks.checkMetric(spec({ query: 'nan_query' }))).resolves.toMatchObject({
      ok: false,
      outcome: 'failed',
    });
    await expect(
      checks.checkMetric(spec({ query: 'scalar(42)', op: '>=', value: 42 })),
    ).resolves.toMatchObject({ ok: true });
    await expect(checks.checkMetric(spec({ query: 'up[1m]', op: '==', value: 1 }))).resolves.toMatchObject({
      ok: true,
    });
  });

  it("passes Prometheus's own error through plainly", async () => {
    const error = await checks.checkMetric(spec({ query: 'sum(rate(x[5m])' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(
      /^Prometheus rejected the query of error-rate \(bad_data\): invalid parameter "query": .*parse error/,
    );
  });

  it('times out a Prometheus that does not answer', async () => {
    prometheus.injectFault({ delayMs: 2_000, times: 2 });

    const error = await checks.checkMetric(spec()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      code: 'monitoring_unavailable',
      message: `Prometheus at ${prometheus.url}/api/v1/query did not answer within 500 ms.`,
    });
  });
});
