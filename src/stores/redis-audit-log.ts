import type { Logger } from '../observability/logger.js';
import type { AuditEntry, AuditLog } from '../rollback/ports/audit-log.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** How long and how much of the audit trail is kept (AUDIT_RETENTION_DAYS, AUDIT_MAX_ENTRIES). */
export interface AuditRetention {
  /** Entries older than this are trimmed; a job's or a service's stream expires this long after its last entry. */
  days: number;
  /** At most about this many entries per stream (the whole log, and each service's). */
  maxEntries: number;
}

export const DEFAULT_AUDIT_RETENTION: AuditRetention = { days: 400, maxEntries: 1_000_000 };

/**
 * Appends one entry to the whole log (KEYS[1]) and, with the same id, to the service's and the job's
 * streams (KEYS[2..]); trims each by size and age and keeps the per-service and per-job streams for the
 * retention time after their last entry. One script: ids stay in order in every stream.
 */
const APPEND = `
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', unpack(fields))
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[2])
for k = 2, #KEYS do
  redis.call('XADD', KEYS[k], 'MAXLEN', ARGV[1], id, unpack(fields))
  redis.call('XTRIM', KEYS[k], 'MINID', ARGV[2])
  redis.call('PEXPIRE', KEYS[k], ARGV[3])
end
return id
`;

/**
 * The audit trail as Redis streams, append-only: the whole log, plus one stream per service and one per
 * job holding the same entries, so a job's or a service's trail is read directly however many other
 * entries arrive (dry runs of other users included). Retention by age and size: {@link AuditRetention}.
 */
export class RedisAuditLog implements AuditLog {
  private readonly retention: AuditRetention;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly log?: Logger,
    retention: Partial<AuditRetention> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.retention = { ...DEFAULT_AUDIT_RETENTION, ...retention };
  }

  async append(entry: AuditEntry): Promise<void> {
    const fields: string[] = [
      'type',
      entry.type,
      'actorId',
      entry.actor.id,
      'actorName',
      entry.actor.name,
      'source',
      entry.actor.source,
      'at',
      new Date(this.now()).toISOString(),
    ];
    if (entry.service !== undefined) fields.push('service', entry.service);
    if (entry.jobId !== undefined) fields.push('jobId', entry.jobId);
    if (entry.detail !== undefined) fields.push('detail', entry.detail.slice(0, 2000));
    const streams = [
      this.keys.audit(),
      ...(entry.service === undefined ? [] : [this.keys.auditOfService(entry.service)]),
      ...(entry.jobId === undefined ? [] : [this.keys.auditOfJob(entry.jobId)]),
    ];
    const retentionMs = this.retention.days * 86_400_000;
    await this.redis.eval(
      APPEND,
      streams.length,
      ...streams,
      String(this.retention.maxEntries),
      `${Math.max(0, this.now() - retentionMs)}-0`,
      String(retentionMs),
      ...fields,
    );
    this.log?.info({ audit: entry }, 'audit');
  }

  /** Newest first: a job's stream, else a service's, else the whole log. */
  async list(options: { limit?: number; service?: string; jobId?: string } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 100;
    const key =
      options.jobId !== undefined
        ? this.keys.auditOfJob(options.jobId)
        : options.service !== undefined
          ? this.keys.auditOfService(options.service)
          : this.keys.audit();
    let raw = await this.redis.xrevrange(key, '+', '-', 'COUNT', limit);
    // Entries written before per-job and per-service streams existed are only in the whole log.
    if (raw.length === 0 && key !== this.keys.audit())
      raw = await this.redis.xrevrange(this.keys.audit(), '+', '-', 'COUNT', Math.max(limit * 20, 1000));
    return raw
      .map(([id, fields]) => toEntry(id, fields))
      .filter(
        (e) =>
          (options.service === undefined || e.service === options.service) &&
          (options.jobId === undefined || e.jobId === options.jobId),
      )
      .slice(0, limit);
  }
}

function toEntry(id: string, fields: string[]): AuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const entry: AuditEntry = {
    id,
    type: map.get('type') as AuditEntry['type'],
    actor: {
      id: map.get('actorId') ?? '',
      name: map.get('actorName') ?? '',
      source: (map.get('source') ?? 'http') as AuditEntry['actor']['source'],
    },
    at: map.get('at') ?? '',
  };
  const service = map.get('service');
  if (service !== undefined) entry.service = service;
  const jobId = map.get('jobId');
  if (jobId !== undefined) entry.jobId = jobId;
  const detail = map.get('detail');
  if (detail !== undefined) entry.detail = detail;
  return entry;
}
