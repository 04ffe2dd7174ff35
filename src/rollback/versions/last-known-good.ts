import type { RollbackPlan } from '../plan.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { RollbackIndex } from '../ports/rollback-queue.js';
import type { VersionEntry } from '../strategy.js';
import { imageTag } from '../strategies/kubernetes/describe-image.js';

/** A rollback the bot finished successfully: the version it left and the one it went to. */
export interface RollbackMove {
  jobId: string;
  /** The bare version rolled back away from (`v0.8.0`), when the plan recorded it. */
  from?: string;
  to?: string;
  /** When it succeeded (ISO). */
  at?: string;
}

/** The last version that ran here without a rollback away from it, and why the ones after it are not. */
export interface LastKnownGood {
  entry: VersionEntry;
  /** Why it is the one: "ran before the current version" or "the last successful rollback went to it". */
  why: string;
  /** Where it is known from: what ran here (the strategy's history) or the bot's own last rollback. */
  from: 'history' | 'rollback';
  /** Versions newer than it that the bot rolled back away from (what "previous" would have picked). */
  skipped: { entry: VersionEntry; move: RollbackMove }[];
}

/** How far back the audit log is read for successful rollbacks of a service. */
const AUDIT_DEPTH = 200;

/** The bare version an entry stands for: what plans record as `versions.from`/`versions.to`. */
export function versionKey(entry: VersionEntry): string {
  return entry.version ?? entry.id;
}

/** The service's successful rollbacks, newest first, from the audit log and the plans the index keeps. */
export async function successfulRollbacks(
  audit: AuditLog,
  index: RollbackIndex,
  service: string,
): Promise<RollbackMove[]> {
  const entries = await audit.list({ service, limit: AUDIT_DEPTH });
  const moves: RollbackMove[] = [];
  for (const entry of entries) {
    if (entry.type !== 'succeeded' || entry.jobId === undefined) continue;
    const plan = await index.plan(entry.jobId);
    // A remedy job (restore from the backup, rollout restart) moved nothing away from a version.
    if (!plan || plan.request.remedy) continue;
    const { from, to } = planVersions(plan);
    moves.push({
      jobId: entry.jobId,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(entry.at === undefined ? {} : { at: entry.at }),
    });
  }
  return moves;
}

/** The versions on both sides of a plan (older Kubernetes plans: from the images of its target). */
function planVersions(plan: RollbackPlan): { from?: string; to?: string } {
  if (plan.versions) return plan.versions;
  const target = plan.target as { from?: { image?: unknown }; image?: unknown };
  const fromImage = typeof target.from?.image === 'string' ? target.from.image : undefined;
  const toImage = typeof target.image === 'string' ? target.image : undefined;
  return {
    ...(fromImage ? { from: imageTag(fromImage) } : {}),
    ...(toImage ? { to: imageTag(toImage) } : {}),
  };
}

/**
 * The last version that ran without a rollback away from it. Where the strategy knows what ran (the
 * Deployment's ReplicaSets, Helm's release history: entries with `ran`), it is the newest such entry that
 * is not the current version and that no successful rollback of the bot left. Where it does not (package
 * versions, git tags, backups), it is the target of the bot's last successful rollback that was not left
 * since, when it is still listed. Undefined when nothing qualifies: "previous" is then the strategy's own.
 */
export function findLastKnownGood(
  entries: readonly VersionEntry[],
  moves: readonly RollbackMove[],
): LastKnownGood | undefined {
  const current = entries.find((entry) => entry.current === true);
  const currentKey = current ? versionKey(current) : undefined;
  const leftBy = new Map<string, RollbackMove>();
  // Oldest first, so the newest rollback away from a version is the one remembered.
  for (const move of [...moves].reverse()) if (move.from !== undefined) leftBy.set(move.from, move);
  const ran = entries.filter((entry) => entry.ran === true);
  if (ran.length > 0) {
    const skipped: LastKnownGood['skipped'] = [];
    for (const entry of ran) {
      const key = versionKey(entry);
      if (entry.current === true || key === currentKey) continue;
      const move = leftBy.get(key);
      if (move) {
        skipped.push({ entry, move });
        continue;
      }
      return {
        entry,
        why: 'the newest version that ran here before the current one',
        from: 'history',
        skipped,
      };
    }
    return undefined;
  }
  for (const move of moves) {
    if (move.to === undefined || move.to === currentKey || leftBy.has(move.to)) continue;
    const entry = entries.find((candidate) => versionKey(candidate) === move.to);
    if (entry)
      return {
        entry,
        why: `the last successful rollback (${move.jobId}) went to it`,
        from: 'rollback',
        skipped: [],
      };
  }
  return undefined;
}

/** The entries with the last known good one marked (a copy; the others unchanged). */
export function markLastKnownGood(
  entries: readonly VersionEntry[],
  found: LastKnownGood | undefined,
): VersionEntry[] {
  return entries.map((entry) => (entry === found?.entry ? { ...entry, lastKnownGood: true } : entry));
}

/** "revision 3: kaizen:v0.7.0" from "revision 3: kaizen:v0.7.0, ReplicaSet …, created …". */
export function entryLabel(entry: VersionEntry): string {
  const head = entry.description.split(', ')[0] ?? entry.id;
  return head.length > 0 ? head : entry.id;
}
