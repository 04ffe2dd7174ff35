import { z } from 'zod';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../transport/http/http-limits.js';

/** How the HTTP server guards itself: host names it answers to, the metrics token, limits per client. */
export interface HttpSettings {
  /** ALLOWED_HOSTS: more host names the bot answers to, besides HOST, PUBLIC_URL's host and loopback. */
  allowedHosts: string[];
  /** METRICS_TOKEN: bearer token of /metrics (API_TOKEN when unset; neither: localhost only). */
  metricsToken?: string | undefined;
  limits: HttpLimits;
}

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

export const httpEnvSchema = z.object({
  ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((host) => host.trim())
        .filter((host) => host !== ''),
    )
    .refine(
      (hosts) => hosts.every((host) => /^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)),
      'a comma-separated list of host names (no scheme, no path)',
    ),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value))
    .refine((value) => value === undefined || value.length >= 16, 'must be at least 16 characters'),
  HTTP_HEADERS_TIMEOUT_MS: ms(500, 120_000),
  HTTP_REQUEST_TIMEOUT_MS: ms(500, 300_000),
  HTTP_IDLE_TIMEOUT_MS: ms(1_000, 600_000),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).optional(),
  HTTP_MAX_UNAUTHENTICATED: z.coerce.number().int().min(1).max(10_000).optional(),
});

export function httpSettingsFromEnv(e: z.infer<typeof httpEnvSchema>): HttpSettings {
  const d = DEFAULT_HTTP_LIMITS;
  return {
    allowedHosts: e.ALLOWED_HOSTS,
    metricsToken: e.METRICS_TOKEN,
    limits: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS ?? d.headersTimeoutMs,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS ?? d.requestTimeoutMs,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS ?? d.idleTimeoutMs,
      bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES ?? d.bodyLimitBytes,
      maxUnauthenticated: e.HTTP_MAX_UNAUTHENTICATED ?? d.maxUnauthenticated,
    },
  };
}

/** The host names of this configuration: HOST (unless a wildcard or loopback), PUBLIC_URL's, ALLOWED_HOSTS. */
export function ownHostNames(config: {
  host: string;
  publicUrl: string | undefined;
  http?: Partial<HttpSettings> | undefined;
}): string[] {
  const wildcard = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'];
  return [
    ...(wildcard.includes(config.host) ? [] : [config.host]),
    ...(config.publicUrl ? [new URL(config.publicUrl).hostname] : []),
    ...(config.http?.allowedHosts ?? []),
  ];
}

/** The host policy, metrics token and limits of an HTTP server of this configuration (web or worker). */
export function httpGuards(config: {
  host: string;
  publicUrl: string | undefined;
  apiToken?: string | undefined;
  http?: Partial<HttpSettings> | undefined;
}) {
  const token = config.http?.metricsToken ?? config.apiToken;
  return {
    allowedHosts: ownHostNames(config),
    ...(token === undefined ? {} : { metricsToken: token }),
    ...(config.http?.limits ? { limits: config.http.limits } : {}),
  };
}
