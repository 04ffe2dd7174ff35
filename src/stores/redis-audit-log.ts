import type { Logger } from '../observability/logger.js';
import type { AuditEntry, AuditLog } from '../rollback/ports/audit-log.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** The audit trail as a Redis stream: XADD only; reading never changes it. */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly log?: Logger,
  ) {}

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
      new Date().toISOString(),
    ];
    if (entry.service !== undefined) fields.push('service', entry.service);
    if (entry.jobId !== undefined) fields.push('jobId', entry.jobId);
    if (entry.detail !== undefined) fields.push('detail', entry.detail.slice(0, 2000));
    await this.redis.xadd(this.keys.audit(), '*', ...fields);
    this.log?.info({ audit: entry }, 'audit');
  }

  async list(options: { limit?: number; service?: string; jobId?: string } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 100;
    const filtered = options.service !== undefined || options.jobId !== undefined;
    const raw = await this.redis.xrevrange(
      this.keys.audit(),
      '+',
      '-',
      'COUNT',
      filtered ? Math.max(limit * 20, 1000) : limit,
    );
    const entries = raw.map(([id, fields]) => toEntry(id, fields));
    return entries
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
