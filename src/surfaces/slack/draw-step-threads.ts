import type { webApi } from '@slack/bolt';
import { renderStepThread } from '../../render/slack/index.js';
import { isFinished, isStepEnded, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { offersRemedies } from '../../rollback/remedy-offer.js';
import { renderRemedyBlocks } from '../../render/slack/render-remedy-buttons.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';
import { postOnce } from './post-once.js';
import type { SlackCalls } from './slack-calls.js';

export interface StepThreadDrawing {
  client: webApi.WebClient;
  store: SlackStatusStore;
  calls: SlackCalls;
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
 * One thread reply per step that has details, under the status message: posted when the step ends (or
 * once it has been talking for an interval), then edited in place when it adds more. A step that says a
 * lot costs one or two calls, not one per line. Returns false when it stopped early for a final state.
 */
export async function drawStepThreads(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  drawing: StepThreadDrawing,
): Promise<boolean> {
  const { client, store, calls, now } = drawing;
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
      const posted = await postOnce({ client, store, calls }, { ...where, text, blocks });
      ts = posted.ts;
      drawnNow = !posted.adopted;
    }
    if (!drawnNow) {
      // Edited in place (or, found after a crash, brought up to date).
      const target = ts;
      await calls.call('chat.update', channel, 'thread', () =>
        client.chat.update({ channel, ts: target, text, ...(blocks ? { blocks } : {}) }),
      );
    }
    const record = { ts, details: count, drawnAt: now() };
    binding.steps[step.id] = record;
    await store.bindStep(jobId, step.id, record);
  }
  return true;
}
