import { z } from 'zod';
import { PermanentError } from '../../errors/rollback-error.js';
import type { CheckResult, MetricChecker, MetricCheckSpec } from '../../rollback/ports/monitoring-checks.js';
import { evaluateMetricSamples, type MetricSample } from '../../rollback/verify/evaluate-monitoring.js';
import { getMonitoringJson, joinUrl, type MonitoringHttpOptions } from './get-monitoring-json.js';

const samplePair = z.tuple([z.number(), z.string()]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: samplePair })),
      }),
      z.object({
        resultType: z.literal('matrix'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(samplePair) })),
      }),
      z.object({ resultType: z.literal('scalar'), result: samplePair }),
      z.object({ resultType: z.literal('string'), result: samplePair }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

type QueryData = Extract<z.infer<typeof answerSchema>, { status: 'success' }>['data'];

/** Prometheus sample values are strings: "0.5", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/**
 * Prometheus HTTP API: `GET /api/v1/query?query=<PromQL>` (an instant query, evaluated now). Every series
 * must satisfy the threshold; an empty answer is "no data", not a pass. A range vector answer is judged
 * by the newest sample of each series.
 */
export class PrometheusChecker implements MetricChecker {
  constructor(private readonly options: MonitoringHttpOptions) {}

  async checkMetric(spec: MetricCheckSpec, signal?: AbortSignal): Promise<CheckResult> {
    const url = joinUrl(spec.prometheusUrl, 'api/v1/query', new URLSearchParams({ query: spec.query }));
    const answer = await getMonitoringJson('Prometheus', url, {
      ...this.options,
      ...(signal ? { signal } : {}),
    });
    const parsed = answerSchema.safeParse(answer.body);
    if (!parsed.success)
      throw new PermanentError(
        'monitoring_rejected',
        `Prometheus at ${url.host} answered ${answer.status} with something that is not a query result.`,
      );
    if (parsed.data.status === 'error')
      throw new PermanentError(
        'monitoring_rejected',
        `Prometheus rejected the query of ${spec.name} (${parsed.data.errorType ?? answer.status}): ${parsed.data.error ?? 'no reason given'}`,
        { hint: 'Check verify.metrics[].query in the service YAML; try it in the Prometheus UI.' },
      );
    return evaluateMetricSamples(spec, samplesOf(parsed.data.data, spec.name));
  }
}

function samplesOf(data: QueryData, name: string): MetricSample[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.map((s) => ({ labels: s.metric, value: parseSampleValue(s.value[1]) }));
    case 'matrix':
      return data.result
        .filter((s) => s.values.length > 0)
        .map((s) => ({
          labels: s.metric,
          value: parseSampleValue(s.values[s.values.length - 1]?.[1] ?? 'NaN'),
        }));
    case 'scalar':
      return [{ labels: {}, value: parseSampleValue(data.result[1]) }];
    case 'string':
      throw new PermanentError('monitoring_rejected', `The query of ${name} returns a string, not a number.`);
  }
}
