import { z } from 'zod';
import { DEFAULT_AUDIT_RETENTION, type AuditRetention } from '../stores/redis-audit-log.js';

/** How much the bot trusts Redis: how long a command may take, what it requires of it, what it keeps. */
export interface DurabilitySettings {
  /** REDIS_COMMAND_TIMEOUT_MS: a command of a request handler or store fails after this (default 2000). */
  redisCommandTimeoutMs: number;
  /** REDIS_REQUIRE_DURABLE=true: refuse to start unless Redis persists and never evicts (default: warn). */
  requireDurableRedis: boolean;
  /** AUDIT_RETENTION_DAYS, AUDIT_MAX_ENTRIES. */
  auditRetention: AuditRetention;
  /** REDIS_DATA_CHECK_INTERVAL_MS: how often a process looks whether Redis lost the bot's data (default 5000). */
  dataCheckIntervalMs?: number;
}

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2_000;

export const durabilityEnvSchema = z.object({
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).optional(),
  REDIS_REQUIRE_DURABLE: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  AUDIT_MAX_ENTRIES: z.coerce.number().int().min(1_000).max(100_000_000).optional(),
  REDIS_DATA_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).optional(),
});

export function durabilitySettingsFromEnv(e: z.infer<typeof durabilityEnvSchema>): DurabilitySettings {
  return {
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    requireDurableRedis: e.REDIS_REQUIRE_DURABLE,
    auditRetention: {
      days: e.AUDIT_RETENTION_DAYS ?? DEFAULT_AUDIT_RETENTION.days,
      maxEntries: e.AUDIT_MAX_ENTRIES ?? DEFAULT_AUDIT_RETENTION.maxEntries,
    },
    ...(e.REDIS_DATA_CHECK_INTERVAL_MS ? { dataCheckIntervalMs: e.REDIS_DATA_CHECK_INTERVAL_MS } : {}),
  };
}
