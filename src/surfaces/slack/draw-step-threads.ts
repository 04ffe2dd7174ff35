import type { webApi } from '@slack/bolt';
import { renderStepThread } from '../../render/slack/index.js';
import { isFinished, isStepEnded, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { offersRemedies } from '../../rollback/remedy-offer.js';
import { renderRemedyBlocks } from '../../render/slack/render-remedy-buttons.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';
import { postOnce } from './post-once.js';
import type { SlackCalls } from './slack-calls.js';
import type { CallAllowance } from './call-allowance.js';
import { stepsToStart, stillToDraw } from './still-to-draw.js';

export interface StepThreadDrawing {
  client: webApi.WebClient;
  store: SlackStatusStore;
  calls: SlackCalls;
  /** The rollback's call allowance: a running step's reply is drawn only with what the status leaves. */
  allowance: CallAllowance;
  /** A running step's reply is drawn at most this often (ms); an ended step's at once. */
  intervalMs: number;
  now: () => number;
  later: { add(ms: number): void };
  /**
   * Whether a newer snapshot that ends the rollback is waiting: checked before each call, so the final
   * state is drawn next instead of after the rest of this snapshot's replies (they follow it).
   */
  finalWaiting?: () => Promise<boolean>;
}

/**
 * One thread reply per step that has details, under the status message, posted once the step ended with
 * all it said: one call. A long step whose reply the allowance can afford (after the status message's
 * updates: see {@link threadCharge}) is posted once it has been talking for an interval and edited in place
 * as it adds more, at most once per interval, and once more when it ends. Returns false when it stopped
 * early for a final state.
 */
export async function drawStepThreads(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  drawing: StepThreadDrawing,
): Promise<boolean> {
  const { client, store, calls, now, allowance } = drawing;
  const { jobId } = snapshot;
  const { channel } = binding;
  for (const step of snapshot.steps) {
    const entries = snapshot.details.filter((d) => d.stepId === step.id);
    const drawn = binding.steps[step.id];
    // The failed rollout's diagnosis gets the runbook's next moves as buttons: they count as one more
    // entry, so the reply drawn before the step failed is drawn again with them.
    const remedies = step.id === 'monitor' && offersRemedies(snapshot);
    const count = entries.length + (remedies ? 1 : 0);
    if (entries.length === 0 || (drawn !== undefined && drawn.details >= count)) continue;
    const settled = isFinished(snapshot) || isStepEnded(step);
    const charge = settled ? allowance.must : threadCharge(snapshot, binding, allowance);
    if (charge === undefined) continue;
    const firstAt = Date.parse(entries[0]?.at ?? '');
    const age = now() - (drawn?.drawnAt ?? (Number.isNaN(firstAt) ? 0 : firstAt));
    if (!settled && age < drawing.intervalMs) {
      drawing.later.add(drawing.intervalMs - age);
      continue;
    }
    if (await drawing.finalWaiting?.()) return false;
    const text = renderStepThread(step.title, entries);
    const blocks = remedies ? renderRemedyBlocks(text, snapshot) : undefined;
    let ts = drawn?.ts;
    let drawnNow = false;
    if (ts === undefined) {
      const part = { kind: 'step' as const, stepId: step.id };
      const where = { jobId, part, channel, threadTs: binding.ts, priority: 'thread' as const };
      const chargeLookUp = allowance.must;
      const posted = await postOnce(
        { client, store, calls },
        { ...where, text, blocks, charge, chargeLookUp },
      );
      ts = posted.ts;
      drawnNow = !posted.adopted;
    }
    if (!drawnNow) {
      // Edited in place, or, found after a crash, brought up to date (that must go).
      const target = ts;
      await calls.call(
        'chat.update',
        channel,
        'thread',
        () => client.chat.update({ channel, ts: target, text, ...(blocks ? { blocks } : {}) }),
        { before: drawn === undefined ? allowance.must : charge },
      );
    }
    const record = { ts, details: count, drawnAt: now() };
    binding.steps[step.id] = record;
    await store.bindStep(jobId, step.id, record);
  }
  return true;
}

/**
 * A running step's reply is intermediate: posting it early costs its final edit later, and each edit one
 * more. It goes only while it leaves what the final state needs plus one status update per step still to
 * start (users watch the status message first). Undefined when withheld: the step's end posts it.
 */
function threadCharge(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  allowance: CallAllowance,
): (() => Promise<void>) | undefined {
  return allowance.intermediate(stillToDraw(snapshot, binding) + stepsToStart(snapshot));
}
