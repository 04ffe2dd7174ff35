import { applyTick, type Ticker } from './checklist-service.js';
import type { ProgressSnapshot } from './progress-snapshot.js';

/** The bot, as the checklists and the audit log show it when it ticks an item itself. */
export const BOT_TICKER: Ticker = { id: 'rollback-bot', name: 'rollback-bot', source: 'bot' };

export interface BotTick {
  listId: string;
  itemId: string;
  evidence: string;
}

/** A line of the thread that says the state after the rollback matches its reference, with nothing else. */
const FULL_MATCH = /^post-rollback vs (?:baseline|broken|[\w-]+): matches$/m;

/**
 * Ticks the checklist items a succeeded rollback has answered itself, each with the evidence that answers
 * it: the verification step (pods ready, health, error logs, smoke test, the unit), the post-rollback bundle
 * and its comparison when it matches. People only tick what needs a person. Returns what it ticked.
 */
export function tickWhatTheBotKnows(snapshot: ProgressSnapshot, at: string): BotTick[] {
  if (snapshot.state !== 'succeeded') return [];
  const answers = answersOf(snapshot);
  const ticks: BotTick[] = [];
  for (const list of snapshot.checklists) {
    for (const item of list.items) {
      const evidence = answers.get(item.id);
      if (evidence === undefined || item.done) continue;
      applyTick(item, { done: true, by: BOT_TICKER, evidence }, at);
      ticks.push({ listId: list.id, itemId: item.id, evidence });
    }
  }
  return ticks;
}

/** Item id → the evidence that answers it, from the steps and the evidence of the snapshot. */
function answersOf(snapshot: ProgressSnapshot): Map<string, string> {
  const answers = new Map<string, string>();
  const verify = snapshot.steps.find((s) => s.id === 'verify' && s.state === 'done');
  const summary = verify?.summary ?? '';
  const verified = (what: string) => `verified: ${what}`;
  const pods = /(\d+)\/\1 pods ready/.exec(summary);
  if (pods) answers.set('pods-healthy', verified(pods[0]));
  const health = /health (\d{3})/.exec(summary);
  if (health) answers.set('health', verified(`health ${health[1]}`));
  if (summary.includes('no error logs')) answers.set('logs-clean', verified('no error logs'));
  if (/smoke (?:passed|test)/.test(summary)) answers.set('workflows', verified('smoke test passed'));
  const unit = /(\S+) checked on \d+ host/.exec(summary);
  if (unit) answers.set('unit-active', verified(`${unit[1]} active`));
  const after = (snapshot.evidence ?? []).filter((b) => b.label === 'post-rollback');
  if (after.length > 0) answers.set('bundle-post-rollback', `captured: ${after.map((b) => b.id).join(', ')}`);
  const compared = snapshot.details
    .filter((d) => d.stepId === 'evidence-post-rollback')
    .map((d) => FULL_MATCH.exec(d.text)?.[0])
    .find((line) => line !== undefined);
  if (compared) answers.set('bundle-compare', compared);
  return answers;
}
