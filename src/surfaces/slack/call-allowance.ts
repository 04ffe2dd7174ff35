import { RetryableError } from '../../errors/rollback-error.js';
import type { SlackStatusStore } from '../../stores/slack-status-store.js';

/** Web API calls the drawing of a rollback of up to {@link BUDGET_STEPS} steps may make (issue 10). */
export const BASE_BUDGET = 10;
const BUDGET_STEPS = 5;

/**
 * The Web API calls the status drawing of a rollback of `steps` steps may make, from the status post to its
 * final state: `10 + 2 × max(0, steps − 5)`. A rollback of 5 steps or fewer gets 10; each further step brings
 * two more, one for its thread reply and one status update to show it running. The posts are fixed (the
 * status message, a reply per step, the checklists) and the final states are always drawn; the rest of the
 * budget is the allowance for intermediate updates. Uploads (`files.*`) and the post-mortem reminder
 * (`chat.scheduleMessage`) are counted apart, and so are updates that answer a person (an approval while
 * the rollback waits for it, a checklist tick).
 */
export function callBudget(steps: number): number {
  return BASE_BUDGET + 2 * Math.max(0, steps - BUDGET_STEPS);
}

/**
 * What is left of one rollback's call budget. The count lives in the store (one atomic increment per call,
 * made once the call may go and before it is sent), so it survives a restart, and a call Slack refused with
 * 429 counts as spent: a call sent is a call spent. Calls that must go (posts, final states, look-ups after
 * a crash) are always counted and never refused; an intermediate update goes only while it leaves enough
 * for everything the final state still needs.
 */
export class CallAllowance {
  private spent = 0;

  constructor(
    private readonly store: SlackStatusStore,
    private readonly jobId: string,
    readonly budget: number,
  ) {}

  /** Takes note of a count read from the store. */
  seen(spent: number | undefined): void {
    this.spent = Math.max(this.spent, spent ?? 0);
  }

  /** Whether one more intermediate call leaves `keep` calls for the final state. */
  allows(keep: number): boolean {
    return this.spent + 1 + keep <= this.budget;
  }

  /** The hook counting one more intermediate call that leaves `keep`, or undefined when it would not. */
  intermediate(keep: number): (() => Promise<void>) | undefined {
    return this.allows(keep) ? this.may(keep) : undefined;
  }

  /** Counts a call that must go (a post, a final state, a look-up for a post left by a crash). */
  readonly must = async (): Promise<void> => {
    this.seen(await this.store.spendCall(this.jobId));
  };

  /** An update that answers a person (an approval, a checklist tick): counted apart, never withheld. */
  readonly apart = async (): Promise<void> => {};

  /** Counts an intermediate call, checked again atomically against what it must leave. */
  may(keep: number): () => Promise<void> {
    return async () => {
      const spent = await this.store.spendCall(this.jobId, this.budget - keep);
      // Under the render lock nobody else spends: a refusal means another render took over meanwhile.
      if (spent === undefined)
        throw new RetryableError('render_busy', 'another render spent the Web API calls of this rollback');
      this.seen(spent);
    };
  }
}
