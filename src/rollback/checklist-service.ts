import { InputError } from '../errors/rollback-error.js';
import type { AuditLog } from './ports/audit-log.js';
import type { ProgressStore } from './ports/progress-store.js';
import type { ChecklistItem, ProgressSnapshot, Requester } from './progress-snapshot.js';

/** Who ticks: a person on a surface, or the bot itself with the evidence that answers the item. */
export type Ticker = Pick<Requester, 'id' | 'name'> & { source: Requester['source'] | 'bot' };

export interface ChecklistTick {
  jobId: string;
  listId: string;
  itemId: string;
  /** true ticks the item, false unticks it. */
  done: boolean;
  by: Ticker;
  evidence?: string;
}

export interface ChecklistServiceOptions {
  progress: ProgressStore;
  audit?: AuditLog;
  now?: () => Date;
}

/** A tick lost to a concurrent one (both published the same version) is tried again this many times. */
const ATTEMPTS = 5;

/**
 * Ticks and unticks the checklists of an ended rollback, from every surface (Slack checkboxes, the console,
 * the report page): the item records who and when, a new snapshot version is published (every surface
 * redraws it) and the tick is audited. A tick that changes nothing (already in that state) is not audited.
 */
export class ChecklistService {
  private readonly now: () => Date;

  constructor(private readonly options: ChecklistServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async set(tick: ChecklistTick): Promise<{ item: ChecklistItem; changed: boolean }> {
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.options.progress.get(tick.jobId);
      const current = snapshot && findItem(snapshot, tick.listId, tick.itemId);
      if (!snapshot || !current) throw unknownItem(tick);
      if ((current.done === true) === tick.done) return { item: current, changed: false };
      const next = structuredClone(snapshot);
      const item = findItem(next, tick.listId, tick.itemId) as ChecklistItem;
      applyTick(item, tick, this.now().toISOString());
      next.version = snapshot.version + 1;
      await this.options.progress.publish(next);
      const stored = await this.options.progress.get(tick.jobId);
      const landed = stored && findItem(stored, tick.listId, tick.itemId);
      if (landed && landed.at === item.at && landed.by?.id === item.by?.id && landed.done === item.done) {
        await this.audit(tick, snapshot.service);
        return { item: landed, changed: true };
      }
      if (attempt >= ATTEMPTS)
        throw new InputError('rollback_in_progress', 'The checklist is changing; try again.');
    }
  }

  private async audit(tick: ChecklistTick, service: string): Promise<void> {
    await this.options.audit?.append({
      type: tick.done ? 'checklist_ticked' : 'checklist_unticked',
      actor: {
        id: tick.by.id,
        name: tick.by.name,
        source: tick.by.source === 'bot' ? 'http' : tick.by.source,
      },
      service,
      jobId: tick.jobId,
      detail: `${tick.listId}/${tick.itemId}${tick.evidence ? `: ${tick.evidence}` : ''}`,
    });
  }
}

/** Sets an item's state, who and when (and the evidence the bot had; a person's tick clears it). */
export function applyTick(
  item: ChecklistItem,
  tick: Omit<ChecklistTick, 'jobId' | 'listId' | 'itemId'>,
  at: string,
): void {
  item.done = tick.done;
  item.by = { id: tick.by.id, name: tick.by.name, source: tick.by.source };
  item.at = at;
  if (tick.evidence) item.evidence = tick.evidence;
  else delete item.evidence;
}

export function findItem(
  snapshot: ProgressSnapshot,
  listId: string,
  itemId: string,
): ChecklistItem | undefined {
  return snapshot.checklists.find((list) => list.id === listId)?.items.find((item) => item.id === itemId);
}

function unknownItem(tick: ChecklistTick): InputError {
  return new InputError(
    'unknown_checklist_item',
    `Rollback ${tick.jobId} has no checklist item ${tick.listId}/${tick.itemId}.`,
    { hint: 'Checklists appear once the rollback has ended; its report page shows them.' },
  );
}
