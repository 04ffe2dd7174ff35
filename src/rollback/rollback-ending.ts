import { BOT_TICKER, tickWhatTheBotKnows } from './bot-ticks.js';
import { describeCancellation, type CancelPoint } from './cancel-report.js';
import { CancelledError, describeError } from '../errors/rollback-error.js';
import type { AuditEntry } from './ports/audit-log.js';
import type { CancelRequest } from './ports/cancellation.js';
import type { RollbackPlan } from './plan.js';
import type { Checklist, ProgressSnapshot } from './progress-snapshot.js';
import { remedyDone } from './remedy-wording.js';

export type FinalState = 'succeeded' | 'failed' | 'cancelled';

type StepError = { code: string; message: string; hint?: string };

/**
 * How a run of a rollback ends. Every way out of the step loop is one of these, and all of them end
 * through {@link applyEnding} and {@link endingAudit}. `firstNotRun`: the index of the first step that did
 * not run; it and every later step still pending or running become skipped.
 */
export type RollbackEnding =
  | { state: 'succeeded'; summary: string }
  | {
      state: 'failed';
      firstNotRun: number;
      summary: string;
      error: StepError;
      /** `<step id>: <message>` when a guard refused (audited as guard_refused before the failure). */
      guardRefusal?: string;
    }
  | {
      state: 'cancelled';
      firstNotRun: number;
      /** Where the job was when the cancel took effect. */
      point: CancelPoint;
      /** Who cancelled, when known. */
      request: CancelRequest | undefined;
    };

/** Every step done: "Rolled back kaizen from v0.8.0 to v0.7.0 in 42 s" (a remedy says what it did). */
export function succeededEnding(plan: RollbackPlan, seconds: number): RollbackEnding {
  const { service, from, to } = plan;
  const remedy = plan.request.remedy;
  if (remedy)
    return { state: 'succeeded', summary: `${remedyDone(remedy.kind, service)}: now ${to}, in ${seconds} s` };
  return { state: 'succeeded', summary: `Rolled back ${service} from ${from} to ${to} in ${seconds} s` };
}

/** The actor of the audit entries the worker writes on its own account. */
export const WORKER_ACTOR = { id: 'worker', name: 'worker', source: 'http' } as const;

export interface EndingContext {
  /** Step ids in the order they run. */
  stepIds: readonly string[];
  now: () => Date;
  /** The checklists the thread gets for this ending (verification, post-mortem). */
  checklists: Checklist[];
}

/** Ends the snapshot: steps that never ran become skipped; state, end time, outcome and checklists set. */
export function applyEnding(s: ProgressSnapshot, ending: RollbackEnding, context: EndingContext): void {
  if (ending.state !== 'succeeded') {
    for (const id of context.stepIds.slice(ending.firstNotRun)) {
      const later = s.steps.find((x) => x.id === id);
      if (later && (later.state === 'pending' || later.state === 'running')) later.state = 'skipped';
    }
  }
  s.state = ending.state;
  s.endedAt = context.now().toISOString();
  switch (ending.state) {
    case 'succeeded':
      s.outcome = { summary: ending.summary };
      break;
    case 'failed':
      s.outcome = { summary: ending.summary, error: ending.error };
      break;
    case 'cancelled':
      if (ending.request) s.cancelRequested ??= ending.request;
      s.outcome = {
        summary: describeCancellation(s, ending.point, ending.request ?? s.cancelRequested),
        error: describeError(new CancelledError()),
      };
      break;
  }
  s.checklists = structuredClone(context.checklists);
  tickWhatTheBotKnows(s, s.endedAt);
}

/** The audit entries of the items the bot ticked as the rollback ended (with the evidence that answered each). */
export function botTickAudit(s: ProgressSnapshot): Omit<AuditEntry, 'service' | 'jobId'>[] {
  return s.checklists.flatMap((list) =>
    list.items
      .filter((item) => item.done && item.by?.source === 'bot')
      .map((item) => ({
        type: 'checklist_ticked' as const,
        actor: { id: BOT_TICKER.id, name: BOT_TICKER.name, source: 'http' as const },
        detail: `${list.id}/${item.id}: ${item.evidence ?? ''}`,
      })),
  );
}

/** The audit entries of an ending, in order; `summary` is the outcome line the final snapshot carries. */
export function endingAudit(
  ending: RollbackEnding,
  summary: string,
): Omit<AuditEntry, 'service' | 'jobId'>[] {
  switch (ending.state) {
    case 'succeeded':
      return [{ type: 'succeeded', actor: WORKER_ACTOR, detail: summary }];
    case 'failed':
      return [
        ...(ending.guardRefusal === undefined
          ? []
          : [{ type: 'guard_refused' as const, actor: WORKER_ACTOR, detail: ending.guardRefusal }]),
        { type: 'failed', actor: WORKER_ACTOR, detail: summary },
      ];
    case 'cancelled':
      return [{ type: 'cancelled', actor: actorOf(ending.request), detail: summary }];
  }
}

/** Who cancelled, for the audit log; the worker itself when the request carries no person. */
function actorOf(request: CancelRequest | undefined): AuditEntry['actor'] {
  return request
    ? { id: request.by.id, name: request.by.name, source: request.by.source ?? 'http' }
    : WORKER_ACTOR;
}
