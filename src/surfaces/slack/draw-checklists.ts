import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import { renderInteractiveChecklists } from '../../render/slack/render-interactive-checklists.js';
import { isFinished, type Checklist, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';
import { postOnce } from './post-once.js';
import type { SlackCalls } from './slack-calls.js';
import type { CallAllowance } from './call-allowance.js';

export interface ChecklistDrawing {
  client: webApi.WebClient;
  store: SlackStatusStore;
  calls: SlackCalls;
  /** The rollback's call allowance: the post and its catch-up after a crash count; ticks count apart. */
  allowance: CallAllowance;
}

/**
 * The checklists close the thread once the rollback ended: posted once, with a checkbox per item, then
 * edited in place whenever someone (or the bot) ticks or unticks an item, so the message shows who did and
 * when. A render that finds nothing changed since it last drew them makes no call.
 */
export async function drawChecklists(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  drawing: ChecklistDrawing,
): Promise<void> {
  if (!isFinished(snapshot) || snapshot.checklists.length === 0) return;
  const { client, calls } = drawing;
  const { jobId } = snapshot;
  const { channel } = binding;
  const message = renderInteractiveChecklists(jobId, snapshot.checklists);
  const key = checklistsKey(snapshot.checklists);
  let ts = binding.checklistsTs;
  if (!binding.checklistsPosted) {
    const posted = await postOnce(drawing, {
      jobId,
      part: { kind: 'checklists' },
      channel,
      threadTs: binding.ts,
      priority: 'thread',
      text: message.text,
      blocks: message.blocks,
      charge: drawing.allowance.must,
      chargeLookUp: drawing.allowance.must,
    });
    if (!posted.adopted) return record(drawing, jobId, binding, posted.ts, key);
    // Posted before a crash, never recorded: adopt it and bring it up to date.
    ts = posted.ts;
    await record(drawing, jobId, binding, posted.ts, '');
  }
  // Posted by a bot that did not yet record the message: it stays as it was drawn.
  if (ts === undefined || binding.checklistsKey === key) return;
  const target = ts;
  // Brought up to date after a crash (no key drawn): part of the drawing; a tick answers a person.
  const charge = binding.checklistsKey === '' ? drawing.allowance.must : drawing.allowance.apart;
  await calls.call(
    'chat.update',
    channel,
    'thread',
    () => client.chat.update({ channel, ts: target, text: message.text, blocks: message.blocks as never }),
    { before: charge },
  );
  await record(drawing, jobId, binding, target, key);
}

async function record(
  { store }: ChecklistDrawing,
  jobId: string,
  binding: SlackStatusBinding,
  ts: string,
  key: string,
): Promise<void> {
  await store.update(jobId, { checklistsPosted: true, checklistsTs: ts, checklistsKey: key });
  Object.assign(binding, { checklistsPosted: true, checklistsTs: ts, checklistsKey: key });
}

/** What the lists show: each item's state, who and when. */
function checklistsKey(checklists: readonly Checklist[]): string {
  const state = checklists.flatMap((list) =>
    list.items.map((i) => [list.id, i.id, i.done === true, i.by?.id ?? '', i.at ?? '']),
  );
  return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 32);
}
