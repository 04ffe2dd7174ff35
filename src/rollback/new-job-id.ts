import { randomBytes } from 'node:crypto';

/**
 * A short, typeable job id like `kaizen-mbx1k2-7f3q`: the service name, the time in base 36 and a random
 * part. Never contains ':' and is never all digits (BullMQ custom id rules).
 */
export function newJobId(service: string, now: Date = new Date()): string {
  const random = randomBytes(3).readUIntBE(0, 3).toString(36).padStart(4, '0').slice(-4);
  return `${service}-${now.getTime().toString(36)}-${random}`;
}

export const JOB_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,100}$/;

/** When a job id made by {@link newJobId} was made, or undefined for ids of another shape. */
export function jobIdTime(jobId: string): Date | undefined {
  const match = /-([a-z0-9]{6,10})-[a-z0-9]{4}$/.exec(jobId);
  if (!match) return undefined;
  const ms = parseInt(match[1] as string, 36);
  return Number.isFinite(ms) && ms > 1_500_000_000_000 ? new Date(ms) : undefined;
}
