import type { Logger } from '../observability/logger.js';
import type {
  ApprovalRecord,
  ApprovalStore,
  ApproveOutcome,
  CloseOutcome,
} from '../rollback/ports/approval-store.js';
import type { RedisKeys } from './redis-keys.js';
import { APPROVAL_FIELDS, APPROVAL_RECORD } from './records/approval-record.js';
import { decodeFields, MalformedRecords } from './stored-record.js';
import type { RedisClient } from './redis-client.js';

/** A closed plan's record is kept a week after it expires, so late clicks get "no longer waiting". */
const KEEP_AFTER_EXPIRY_SECONDS = 7 * 24 * 3600;

/** Returns the record's fields in a fixed order (APPROVAL_FIELDS) after the outcome. */
const READ = `
local function record(outcome)
  return {outcome, redis.call('HMGET', KEYS[1], ${APPROVAL_FIELDS.map((f) => `'${f}'`).join(', ')})}
end
`;

/** KEYS: the approval hash, the job's snapshot. ARGV: approverId, approverName, atIso, nowMs. */
const APPROVE = `${READ}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return record('not_pending') end
-- Cancelled by another path (/rollback cancel) that only ended the snapshot: never approvable again.
local snapshot = redis.call('GET', KEYS[2])
if snapshot then
  local ok, decoded = pcall(cjson.decode, snapshot)
  if ok and decoded['state'] == 'cancelled' then
    redis.call('HSET', KEYS[1], 'state', 'cancelled')
    redis.call('HINCRBY', KEYS[1], 'rev', 1)
    return record('not_pending')
  end
end
if tonumber(ARGV[4]) >= tonumber(redis.call('HGET', KEYS[1], 'expiresAtMs')) then
  redis.call('HSET', KEYS[1], 'state', 'expired')
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  return record('expired')
end
if redis.call('HGET', KEYS[1], 'requesterId') == ARGV[1] then return record('self') end
local list = cjson.decode(redis.call('HGET', KEYS[1], 'approvals'))
for _, a in ipairs(list) do
  if a['id'] == ARGV[1] then return record('duplicate') end
end
table.insert(list, {id = ARGV[1], name = ARGV[2], at = ARGV[3]})
redis.call('HSET', KEYS[1], 'approvals', cjson.encode(list))
local outcome = 'recorded'
if #list >= tonumber(redis.call('HGET', KEYS[1], 'required')) then
  redis.call('HSET', KEYS[1], 'state', 'approved')
  outcome = 'approved'
end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
return record(outcome)
`;

/** ARGV: mode ('cancel' | 'expire'), nowMs. */
const CLOSE = `${READ}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return record('not_pending') end
if ARGV[1] == 'expire' then
  if tonumber(ARGV[2]) < tonumber(redis.call('HGET', KEYS[1], 'expiresAtMs')) then return record('not_due') end
  redis.call('HSET', KEYS[1], 'state', 'expired')
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  return record('expired')
end
redis.call('HSET', KEYS[1], 'state', 'cancelled')
redis.call('HINCRBY', KEYS[1], 'rev', 1)
return record('cancelled')
`;

type ScriptAnswer = [string, (string | null)[]?];

/**
 * Pending approvals as one Redis hash per job (a versioned record: records/approval-record.ts); approve,
 * cancel and expire are each one Lua script. A hash that does not parse reads as missing.
 */
export class RedisApprovalStore implements ApprovalStore {
  private readonly malformed: MalformedRecords;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    log?: Logger,
  ) {
    this.malformed = new MalformedRecords(log);
  }

  async open(input: Omit<ApprovalRecord, 'approvals' | 'state' | 'rev'>): Promise<ApprovalRecord> {
    const key = this.keys.approval(input.jobId);
    const expiresAtMs = Date.parse(input.expiresAt);
    const ttl = Math.ceil((expiresAtMs - Date.now()) / 1000) + KEEP_AFTER_EXPIRY_SECONDS;
    await this.redis
      .multi()
      .hset(key, {
        service: input.service,
        requesterId: input.requesterId,
        required: input.required,
        approvals: '[]',
        expiresAtMs,
        state: 'pending',
        rev: 0,
        schemaVersion: APPROVAL_RECORD.version,
      })
      .expire(key, Math.max(ttl, 60))
      .exec();
    return { ...input, approvals: [], state: 'pending', rev: 0 };
  }

  async approve(
    jobId: string,
    approver: { id: string; name: string },
    now: Date,
  ): Promise<{ outcome: ApproveOutcome; record?: ApprovalRecord }> {
    const answer = (await this.redis.eval(
      APPROVE,
      2,
      this.keys.approval(jobId),
      this.keys.snapshot(jobId),
      approver.id,
      approver.name,
      now.toISOString(),
      String(now.getTime()),
    )) as ScriptAnswer;
    return this.toResult<ApproveOutcome>(jobId, answer);
  }

  async cancel(jobId: string): Promise<{ outcome: CloseOutcome; record?: ApprovalRecord }> {
    const answer = (await this.redis.eval(
      CLOSE,
      1,
      this.keys.approval(jobId),
      'cancel',
      String(Date.now()),
    )) as ScriptAnswer;
    return this.toResult<CloseOutcome>(jobId, answer);
  }

  async expire(jobId: string, now: Date): Promise<{ outcome: CloseOutcome; record?: ApprovalRecord }> {
    const answer = (await this.redis.eval(
      CLOSE,
      1,
      this.keys.approval(jobId),
      'expire',
      String(now.getTime()),
    )) as ScriptAnswer;
    return this.toResult<CloseOutcome>(jobId, answer);
  }

  async get(jobId: string): Promise<ApprovalRecord | undefined> {
    const fields = await this.redis.hmget(this.keys.approval(jobId), ...APPROVAL_FIELDS);
    return this.toRecord(jobId, fields);
  }

  private toResult<T extends string>(
    jobId: string,
    [outcome, fields]: ScriptAnswer,
  ): { outcome: T; record?: ApprovalRecord } {
    const record = fields ? this.toRecord(jobId, fields) : undefined;
    return record ? { outcome: outcome as T, record } : { outcome: outcome as T };
  }

  private toRecord(jobId: string, fields: (string | null)[]): ApprovalRecord | undefined {
    if (fields.every((value) => value === null)) return undefined;
    const named = Object.fromEntries(
      APPROVAL_FIELDS.flatMap((name, i) => (fields[i] == null ? [] : [[name, fields[i]]])),
    );
    const decoded = decodeFields(APPROVAL_RECORD, named);
    if (decoded.ok) return { jobId, ...decoded.value };
    this.malformed.report(this.keys.approval(jobId), APPROVAL_RECORD.name, decoded.reason);
    return undefined;
  }
}
