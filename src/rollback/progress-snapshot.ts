import type { WorkerWait } from './worker-wait.js';
import type { RemedyKind } from './plan.js';

/**
 * The platform-neutral progress state of one rollback. The worker publishes a whole snapshot after every
 * change; renderers (Slack, console, CLI, report page) draw the latest one and never see deltas.
 */
export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';
export type RollbackState = 'awaiting_approval' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** The states a rollback ends in. It never leaves them: no step runs and no snapshot changes its state after. */
export type FinishedState = Extract<RollbackState, 'succeeded' | 'failed' | 'cancelled'>;

/** Whether the rollback has ended (succeeded, failed or cancelled): the one test for it, used everywhere. */
export function isFinished(snapshot: { state: RollbackState }): boolean {
  return snapshot.state === 'succeeded' || snapshot.state === 'failed' || snapshot.state === 'cancelled';
}

/** Whether a step has ended, one way or another (it is neither pending nor running). */
export function isStepEnded(step: { state: StepState }): boolean {
  return step.state !== 'pending' && step.state !== 'running';
}

export interface StepSnapshot {
  id: string;
  title: string;
  state: StepState;
  startedAt?: string;
  endedAt?: string;
  /** One line shown next to the step ("3/3 pods ready"). */
  summary?: string;
  error?: { code: string; message: string; hint?: string };
}

/** A detail line posted in the status message's thread. Append-only: renderers post each once. */
export interface DetailEntry {
  stepId: string;
  at: string;
  text: string;
}

/**
 * A runbook checklist, with the service's own names filled in. Ids are stable (the same list and item
 * get the same id in every rollback), so a surface that lets people tick items can record which one.
 * Records written before ids existed have none.
 */
export interface Checklist {
  /** "prerequisites", "verify", "after-rollback", "post-mortem". */
  id: string;
  title: string;
  items: ChecklistItem[];
}

export interface ChecklistItem {
  /** Stable within its list ("pods-healthy", "unit-active"). */
  id: string;
  /** Plain text in which `backticks` mark code: a command, a path, a unit name. */
  text: string;
  /** Ticked (by a person on any surface, or by the bot when the evidence answers it). */
  done?: boolean;
  /** Who ticked it last (or unticked it: then `done` is false). The bot ticks as rollback-bot. */
  by?: { id: string; name: string; source?: Requester['source'] | 'bot' };
  /** When (ISO). */
  at?: string;
  /** What answered it, for items the bot ticks ("3/3 pods ready", "health 200"). */
  evidence?: string;
}

/** An evidence bundle a rollback took (the runbook's capture steps), as every surface lists it. */
export interface EvidenceRef {
  /** The store's id ("kaizen/20251122T014010000Z_broken_..."): the report page serves it. */
  id: string;
  /** "broken", "post-rollback". */
  label: string;
  /** "host web-1 (kaizen.service)", "deployment default/kaizen on kind". */
  target: string;
  bytes: number;
  /** Collectors that failed, "name: reason" (redacted); they never stop the rollback. */
  failed: string[];
}

export interface Requester {
  id: string;
  name: string;
  source: 'slack' | 'pagerduty' | 'cli' | 'console' | 'http';
}

export interface Approval {
  id: string;
  name: string;
  at: string;
}

/** The two-person rule for this rollback: who approved, how many are needed, until when. */
export interface ApprovalState {
  required: number;
  approvals: Approval[];
  expiresAt: string;
  state: 'pending' | 'approved' | 'expired' | 'cancelled';
}

export interface ProgressSnapshot {
  /** Increases by one with every published change; renderers skip versions they already drew. */
  version: number;
  jobId: string;
  service: string;
  environment: string;
  strategy: string;
  requester: Requester;
  reason?: string;
  dryRun: boolean;
  from: string;
  to: string;
  state: RollbackState;
  steps: StepSnapshot[];
  details: DetailEntry[];
  checklists: Checklist[];
  outcome?: { summary: string; error?: { code: string; message: string; hint?: string } };
  /** Present when the service's policy requires approvals. */
  approval?: ApprovalState;
  /** Set when someone asked to cancel; the job stops at the next safe point. */
  cancelRequested?: { by: { id: string; name: string; source?: Requester['source'] }; at: string };
  /** Set on the rollback that marked the service rolled back, once someone released the mark. */
  released?: { by: { id: string; name: string }; at: string; reason: string };
  /** Checklist of the runbook's prerequisites, shown with the plan. */
  prerequisites?: Checklist;
  /** Flags the target needed (`forward`: newer than the current version; `unlisted`: never ran here). */
  exceptions?: ('forward' | 'unlisted')[];
  /** Set on a remedy job (a diagnosis button): told as "Restored"/"Restarted", never as a rollback. */
  remedy?: RemedyKind;
  /** The plan's warnings (config changed since the target ran, registry unreachable...), shown in the status. */
  warnings?: string[];
  /**
   * Set while the job waits in its site's queue with no worker able to take it (none alive there, or
   * none running its strategy); cleared when a worker starts it.
   */
  waitingForWorker?: WorkerWait;
  /** Evidence bundles taken by the runbook, in the order they were taken. */
  evidence?: EvidenceRef[];
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
}
