import type { Approval } from '../rollback/progress-snapshot.js';
import type {
  ApprovalRecord,
  ApprovalStore,
  ApproveOutcome,
  CloseOutcome,
} from '../rollback/ports/approval-store.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/** A closed plan's record is kept a week after it expires, so late clicks get "no longer waiting". */
const KEEP_AFTER_EXPIRY_SECONDS = 7 * 24 * 3600;

/** Returns the record's fields in a fixed order after the outcome. */
const READ = `
local function record(outcome)
  return {outcome, redis.call('HMGET', KEYS[1], 'service', 'requesterId', 'required', 'approvals', 'expiresAtMs', 'state', 'rev')}
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

/** Pending approvals as one Redis hash per job; approve, cancel and expire are each one Lua script. */
export class RedisApprovalStore implements ApprovalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

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
    const fields = await this.redis.hmget(
      this.keys.approval(jobId),
      'service',
      'requesterId',
      'required',
      'approvals',
      'expiresAtMs',
      'state',
      'rev',
    );
    return toRecord(jobId, fields);
  }

  private toResult<T extends string>(
    jobId: string,
    [outcome, fields]: ScriptAnswer,
  ): { outcome: T; record?: ApprovalRecord } {
    const record = fields ? toRecord(jobId, fields) : undefined;
    return record ? { outcome: outcome as T, record } : { outcome: outcome as T };
  }
}

function toRecord(jobId: string, fields: (string | null)[]): ApprovalRecord | undefined {
  const [service, requesterId, required, approvals, expiresAtMs, state, rev] = fields;
  if (service == null || state == null) return undefined;
  const parsed = JSON.parse(approvals ?? '[]') as unknown;
  return {
    jobId,
    service,
    requesterId: requesterId ?? '',
    required: Number(required ?? 0),
    // cjson writes an empty list as {}; a list of approvals is always an array.
    approvals: Array.isArray(parsed) ? (parsed as Approval[]) : [],
    expiresAt: new Date(Number(expiresAtMs ?? 0)).toISOString(),
    state: state as ApprovalRecord['state'],
    rev: Number(rev ?? 0),
  };
}
