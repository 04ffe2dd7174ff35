import { z } from 'zod';
import type { KubeConfigEnvironment } from '../targets/kubernetes/peek-kube-config.js';
import type { EvidenceStoreConfig } from '../evidence/stores/create-evidence-store.js';
import { loadEvidenceConfig } from './evidence-config.js';
import { redisSettingsFromEnv, type RedisSettings } from './redis-settings.js';
import {
  durabilityEnvSchema,
  durabilitySettingsFromEnv,
  type DurabilitySettings,
} from './durability-settings.js';
import { httpEnvSchema, httpSettingsFromEnv, type HttpSettings } from './http-settings.js';
import { siteEnvSchema, siteSettingsFromEnv, type SiteSettings } from './site-settings.js';
import {
  pagerDutyEnvSchema,
  pagerDutySettingsFromEnv,
  type NotificationSettings,
  type PagerDutySettings,
} from './pagerduty-settings.js';

const role = z.enum(['all', 'web', 'worker']);

/** An optional secret: empty counts as unset; a set one must be long enough to resist guessing. */
function optionalSecret(minLength: number) {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value))
    .refine(
      (value) => value === undefined || value.length >= minLength,
      `must be at least ${minLength} characters`,
    );
}

/** An optional string: empty counts as unset. */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const baseEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Default 0.0.0.0 with Slack; 127.0.0.1 in local mode, where the web console has no login. */
  HOST: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  ROLE: role.default('all'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('rollback-bot'),
  REDIS_SENTINELS: optionalString,
  REDIS_SENTINEL_NAME: optionalString,
  REDIS_SENTINEL_USERNAME: optionalString,
  REDIS_SENTINEL_PASSWORD: optionalString,
  REDIS_CLUSTER_NODES: optionalString,
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
  REDIS_TLS_CA_FILE: optionalString,
  REDIS_TLS_SERVERNAME: optionalString,
  SERVICES_DIR: z.string().default('config/services'),
  KUBECONFIG: z.string().optional(),
  /** Where the mirrors of GitOps repositories (`gitops.git`) are kept. Default: <tmpdir>/rollback-bot-gitops. */
  GITOPS_CACHE_DIR: optionalString,
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_API_URL: z.string().url().optional(),
  SLACK_BOT_USER_ID: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U0123ABCD')
    .optional(),
  PUBLIC_URL: z.string().url().optional(),
  REPORT_TOKEN: optionalSecret(16),
  API_TOKEN: optionalSecret(16),
  REPORT_SIGNING_KEY: optionalSecret(32),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).optional(),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).optional(),
  /** After a successful Kubernetes rollback, watch the Deployment this long (minutes); 0: no watch. */
  ROLLBACK_WATCH_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** How often the watch looks at the Deployment (seconds). */
  ROLLBACK_WATCH_INTERVAL_SECONDS: z.coerce.number().min(0.05).max(3600).default(10),
  /** Bundles up to this many bytes are attached to the rollback's Slack thread; 0: never. */
  EVIDENCE_SLACK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 ** 3)
    .default(2 * 1024 * 1024),
});
const envSchema = baseEnvSchema
  .extend(siteEnvSchema.shape)
  .extend(pagerDutyEnvSchema.shape)
  .extend(httpEnvSchema.shape)
  .extend(durabilityEnvSchema.shape);

export interface AppConfig {
  /** Git host tokens (`*_GIT_TOKEN` variables) that services name in `gitops.git.pullRequests.tokenEnv`. */
  gitTokens?: Readonly<Record<string, string>>;
  /** GITOPS_CACHE_DIR: where GitOps repositories are mirrored (absent: the default under the tmpdir). */
  gitopsCacheDir?: string | undefined;
  /** Registry credentials (`*_REGISTRY_AUTH` variables) that services name in `kubernetes.registry.credentialsEnv`. */
  registryEnv?: Readonly<Record<string, string>>;
  port: number;
  host: string;
  role: z.infer<typeof role>;
  redisUrl: string;
  /** Sentinel or Cluster, TLS trust and credentials beyond REDIS_URL; unset: REDIS_URL's one node. */
  redis?: RedisSettings | undefined;
  /** REDIS_PREFIX as set; in Cluster mode keys use `{<prefix>}` (see RedisConnectionFactory.keyPrefix). */
  redisPrefix: string;
  servicesDir: string;
  kubeconfigPath: string | undefined;
  /** What the kubeconfig look-up reads (in a pod, KUBERNETES_SERVICE_HOST and _PORT); absent: none set. */
  kubeEnvironment?: KubeConfigEnvironment | undefined;
  slack:
    | {
        signingSecret: string;
        botToken: string;
        apiUrl: string | undefined;
        /** SLACK_BOT_USER_ID: the bot's user id; unset, `auth.test` is asked once at start-up. */
        botUserId?: string | undefined;
      }
    | undefined;
  publicUrl: string | undefined;
  /** Report pages (`/rollbacks/<job>`): a bearer token and/or a key for signed links; neither: localhost only. */
  reportToken?: string | undefined;
  /** Bearer token required by /api/* (service state, audit log); unset: /api is open. */
  apiToken?: string | undefined;
  reportSigningKey?: string | undefined;
  logLevel: string;
  workerConcurrency: number;
  /** BullMQ job lock: a worker that dies loses its job to another after this long (default 30 s). */
  workerLockDurationMs?: number | undefined;
  /** How often workers look for jobs whose worker died (default 30 s). */
  workerStalledIntervalMs?: number | undefined;
  /** Sites: what this process's workers serve and run, where plans are made, shutdown and worker HTTP. */
  sites?: Partial<SiteSettings> | undefined;
  /** Host names, metrics token, timeouts and limits of the HTTP server (defaults when absent). */
  http?: Partial<HttpSettings> | undefined;
  /** Redis command timeout, durability required of Redis, audit retention (defaults when absent). */
  durability?: Partial<DurabilitySettings> | undefined;
  /** PagerDuty webhooks in, REST API out (PAGERDUTY_*); absent: off. */
  pagerDuty?: PagerDutySettings | undefined;
  /** ROLLBACK_STALL_MINUTES, POSTMORTEM_REMINDER_HOURS; absent: 15 minutes, 24 hours. */
  notifications?: NotificationSettings | undefined;
  /**
   * Evidence bundles: where they are kept (EVIDENCE_DIR, or an S3 bucket) and their retention. Unset (tests
   * that do not ask for it): no bundles are taken and the capture steps are not planned.
   */
  evidence?: EvidenceStoreConfig | undefined;
  /** Bundles up to this size are attached to the Slack thread (EVIDENCE_SLACK_MAX_BYTES; 0: never). */
  evidenceSlackMaxBytes?: number | undefined;
  /** ROLLBACK_WATCH_MINUTES and ROLLBACK_WATCH_INTERVAL_SECONDS; absent: 15 minutes, every 10 s. */
  watch?: { minutes: number; intervalSeconds: number } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once. Only the composition root calls this, with `process.env`. */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  let slack: AppConfig['slack'];
  if (e.SLACK_BOT_TOKEN) {
    if (!e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set');
    else
      slack = {
        signingSecret: e.SLACK_SIGNING_SECRET,
        botToken: e.SLACK_BOT_TOKEN,
        apiUrl: e.SLACK_API_URL,
        ...(e.SLACK_BOT_USER_ID ? { botUserId: e.SLACK_BOT_USER_ID } : {}),
      };
  }
  const redis = redisSettingsFromEnv(e, problems);
  const { pagerDuty, notifications } = pagerDutySettingsFromEnv(e, problems);
  const evidence = evidenceOrProblems(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST ?? (slack ? '0.0.0.0' : '127.0.0.1'),
    role: e.ROLE,
    redisUrl: e.REDIS_URL,
    ...(redis ? { redis } : {}),
    redisPrefix: e.REDIS_PREFIX,
    servicesDir: e.SERVICES_DIR,
    kubeconfigPath: e.KUBECONFIG,
    kubeEnvironment: kubeConfigEnvironmentOf(env),
    slack,
    publicUrl: e.PUBLIC_URL,
    reportToken: e.REPORT_TOKEN,
    apiToken: e.API_TOKEN,
    reportSigningKey: e.REPORT_SIGNING_KEY,
    logLevel: e.LOG_LEVEL,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerLockDurationMs: e.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    sites: siteSettingsFromEnv(e),
    http: httpSettingsFromEnv(e),
    durability: durabilitySettingsFromEnv(e),
    pagerDuty,
    notifications,
    evidence,
    evidenceSlackMaxBytes: e.EVIDENCE_SLACK_MAX_BYTES,
    watch: { minutes: e.ROLLBACK_WATCH_MINUTES, intervalSeconds: e.ROLLBACK_WATCH_INTERVAL_SECONDS },
    registryEnv: registryEnvOf(env),
    gitTokens: envMatching(env, /^(?:[A-Z0-9_]+_)?GIT_TOKEN$/),
    gitopsCacheDir: e.GITOPS_CACHE_DIR,
  };
}

/**
 * The variables @kubernetes/client-node reads from the process to find a cluster, copied once here so the
 * kubeconfig look-up reads them from its caller. Pass the process's own environment: client-node does.
 */
export function kubeConfigEnvironmentOf(env: Record<string, string | undefined>): KubeConfigEnvironment {
  const { KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, KUBECONFIG, HOME } = env;
  return { KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, KUBECONFIG, HOME };
}

function evidenceOrProblems(
  env: Record<string, string | undefined>,
  problems: string[],
): EvidenceStoreConfig | undefined {
  try {
    return loadEvidenceConfig(env);
  } catch (error) {
    problems.push(...(error instanceof Error ? error.message : String(error)).split('\n'));
    return undefined;
  }
}

/**
 * The variables a service's `kubernetes.registry.credentialsEnv` may name (`*_REGISTRY_AUTH`, or
 * `REGISTRY_AUTH`), copied once here so nothing else reads the environment.
 */
function registryEnvOf(env: Record<string, string | undefined>): Readonly<Record<string, string>> {
  return envMatching(env, /^(?:[A-Z0-9_]+_)?REGISTRY_AUTH$/);
}

/** The variables whose names match (`*_GIT_TOKEN` for `gitops.git.pullRequests.tokenEnv`), copied once. */
function envMatching(
  env: Record<string, string | undefined>,
  name: RegExp,
): Readonly<Record<string, string>> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => name.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
  );
}
