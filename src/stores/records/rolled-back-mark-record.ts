import { z } from 'zod';
import type { RolledBackMark } from '../../rollback/ports/rolled-back-marks.js';
import type { RecordKind } from '../stored-record.js';

const markSchema: z.ZodType<RolledBackMark> = z.object({
  service: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  at: z.string(),
  jobId: z.string(),
  to: z.string(),
});

/**
 * "This service was rolled back" (no expiry). Malformed: NOT treated as missing, since deploy pipelines
 * would then deploy over a rollback. It reads as a mark by an unknown rollback, until someone releases it.
 */
export const ROLLED_BACK_MARK_RECORD: RecordKind<RolledBackMark> = {
  name: 'rolled-back mark',
  version: 1,
  schema: markSchema,
};

/** What an unreadable mark reads as: still a mark, naming nobody. */
export function unreadableMark(service: string): RolledBackMark {
  return { service, by: { id: 'unknown', name: 'unknown' }, at: '', jobId: 'unknown', to: 'unknown' };
}
