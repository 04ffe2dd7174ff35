import { z } from 'zod';
import { durationSeconds } from './duration-schema.js';

/** An http(s) URL without a password in it: credentials never live in the catalog. */
const monitoringUrl = z
  .url({ protocol: /^https?$/ })
  .refine((url) => new URL(url).password === '', 'must not contain a password');

/** Alertmanager's matcher syntax: `service="kaizen"`, `severity=~"critical|page"`, `env!="staging"`. */
const matcher = z
  .string()
  .regex(
    /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^\s"{},]+)\s*$/,
    'must be an Alertmanager matcher like service="kaizen" or severity=~"critical|page"',
  );

/** `verify.alerts`: no active, unsilenced alert may match all the matchers (runbook: "Alerts are not firing"). */
export const alertsCheckSchema = z
  .object({
    alertmanagerUrl: monitoringUrl,
    matchers: z.array(matcher).min(1, 'needs at least one matcher, or every alert anywhere would count'),
    timeout: durationSeconds.default(10),
  })
  .strict();

/** One `verify.metrics` entry: an instant PromQL query whose every series must satisfy `op value`. */
export const metricCheckSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and - (at most 63)'),
    prometheusUrl: monitoringUrl,
    query: z.string().min(1).max(4000),
    op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
    value: z.number().finite(),
    timeout: durationSeconds.default(10),
  })
  .strict();

export const metricChecksSchema = z
  .array(metricCheckSchema)
  .refine(
    (checks) => new Set(checks.map((c) => c.name)).size === checks.length,
    'metric names must be unique',
  );

export type AlertsCheckSection = z.output<typeof alertsCheckSchema>;
export type MetricCheckSection = z.output<typeof metricCheckSchema>;
