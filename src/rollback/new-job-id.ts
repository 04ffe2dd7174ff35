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
