import { z } from 'zod';
import { DEFAULT_SITE, SITE_PATTERN, STRATEGY_NAMES } from '../config/service-schema.js';

/** Where this process's workers run, what they run, and how the web role plans for other sites. */
export interface SiteSettings {
  /** WORKER_SITES: the sites whose queues this process's workers serve (default: `default`). */
  workerSites: string[];
  /** WORKER_STRATEGIES: the strategies its workers run and advertise; absent: every one. */
  workerStrategies?: string[] | undefined;
  /**
   * PLAN_ON_WORKERS: sites whose plans (plan, dry run, versions) a worker there makes, because this web
   * process has no access to their targets. `all`: every site; empty: none (plans are made here).
   */
  planOnWorkers: 'all' | string[];
  /** PLAN_TIMEOUT_MS: how long the web role waits for a site worker's plan (default 20 s). */
  planTimeoutMs: number;
  /** SHUTDOWN_GRACE_MS: how long SIGTERM waits for running jobs to reach a safe point (default 25 s). */
  shutdownGraceMs: number;
  /** WORKER_HTTP_PORT / WORKER_HTTP_HOST: /healthz, /readyz and /metrics of a ROLE=worker process. */
  workerHttp: { port: number; host: string } | undefined;
  /** WORKER_HEARTBEAT_TTL_MS: a worker counts as alive this long after its last beat (default 15 s). */
  heartbeatTtlMs: number;
  /** SITE_CHECK_INTERVAL_MS: how often web processes look for jobs waiting for a worker (default 10 s). */
  siteCheckIntervalMs: number;
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export const siteEnvSchema = z.object({
  WORKER_SITES: z
    .string()
    .optional()
    .transform((text) => [...new Set(list(text))])
    .refine(
      (sites) => sites.every((site) => SITE_PATTERN.test(site)),
      'each site must be lowercase letters, digits and dashes (at most 40), like eu-1',
    ),
  WORKER_STRATEGIES: z
    .string()
    .optional()
    .transform((text) => [...new Set(list(text))])
    .refine(
      (names) => names.every((name) => (STRATEGY_NAMES as readonly string[]).includes(name)),
      `each strategy must be one of ${STRATEGY_NAMES.join(', ')}`,
    ),
  PLAN_ON_WORKERS: z
    .string()
    .optional()
    .transform((text): 'all' | string[] => {
      const value = (text ?? '').trim().toLowerCase();
      if (value === 'true' || value === '1' || value === 'all') return 'all';
      if (value === '' || value === 'false' || value === '0') return [];
      return [...new Set(list(value))];
    })
    .refine(
      (sites) => sites === 'all' || sites.every((site) => SITE_PATTERN.test(site)),
      'true, false, or a comma-separated list of sites',
    ),
  PLAN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /** `off`: no HTTP server in a worker-only process. */
  WORKER_HTTP_PORT: z
    .string()
    .optional()
    .transform((text) => (text === undefined || text.trim() === '' ? '3001' : text.trim()))
    .refine((text) => text === 'off' || /^\d{1,5}$/.test(text), 'a port number (0-65535) or off')
    .transform((text) => (text === 'off' ? ('off' as const) : Number(text)))
    .refine((port) => port === 'off' || port <= 65535, 'a port number (0-65535) or off'),
  WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_HEARTBEAT_TTL_MS: z.coerce.number().int().min(300).max(600_000).default(15_000),
  SITE_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
});

export function siteSettingsFromEnv(e: z.output<typeof siteEnvSchema>): SiteSettings {
  return {
    workerSites: e.WORKER_SITES.length > 0 ? e.WORKER_SITES : [DEFAULT_SITE],
    workerStrategies: e.WORKER_STRATEGIES.length > 0 ? e.WORKER_STRATEGIES : undefined,
    planOnWorkers: e.PLAN_ON_WORKERS,
    planTimeoutMs: e.PLAN_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    workerHttp:
      e.WORKER_HTTP_PORT === 'off' ? undefined : { port: e.WORKER_HTTP_PORT, host: e.WORKER_HTTP_HOST },
    heartbeatTtlMs: e.WORKER_HEARTBEAT_TTL_MS,
    siteCheckIntervalMs: e.SITE_CHECK_INTERVAL_MS,
  };
}

/** Whether the web role asks a worker of `site` to plan (PLAN_ON_WORKERS). */
export function plansOnWorkers(settings: Pick<SiteSettings, 'planOnWorkers'>, site: string): boolean {
  return settings.planOnWorkers === 'all' || settings.planOnWorkers.includes(site);
}

/** The settings of a process whose configuration names none (tests build AppConfig by hand). */
export const DEFAULT_SITE_SETTINGS: SiteSettings = siteSettingsFromEnv(siteEnvSchema.parse({}));

/** The configured settings over the defaults. */
export function siteSettings(partial: Partial<SiteSettings> | undefined): SiteSettings {
  return { ...DEFAULT_SITE_SETTINGS, ...partial };
}
