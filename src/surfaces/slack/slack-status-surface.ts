import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import { renderStatusMessage } from '../../render/slack/index.js';
import { PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import { isFinished, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { SnapshotSurface } from '../../rollback/ports/snapshot-surface.js';
import type { RedisSlackRateLimiter } from '../../stores/redis-slack-rate-limiter.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';
import { RENDER_LOCK_MS } from '../../stores/redis-slack-status-store.js';
import type { ThreadAttachmentSource } from '../../evidence/thread-attachments.js';
import { attachToThread } from './attach-to-thread.js';
import { drawChecklists } from './draw-checklists.js';
import { drawStepThreads } from './draw-step-threads.js';
import { postOnce } from './post-once.js';
import { SlackCalls } from './slack-calls.js';
import { CallAllowance, callBudget } from './call-allowance.js';
import { progressStage, stepsToStart, stillToDraw } from './still-to-draw.js';
import { Deferrals } from './deferrals.js';

/** Rounds one render draws at most before it leaves newer versions to their own render jobs. */
const MAX_ROUNDS = 10;

export interface SlackStatusSurfaceOptions {
  /** Fails fast: no retries of its own, `rejectRateLimitedCalls` (the render queue retries and defers). */
  client: webApi.WebClient;
  /** What was drawn of each rollback, post intents, and the render lock. */
  store: SlackStatusStore;
  progress: ProgressStore;
  /** The plan of a rollback, for the channel it was requested in. */
  index: RollbackIndex;
  catalog: ServiceCatalog;
  reportUrl?: (jobId: string) => string | undefined;
  /** Slack's rate limits, shared by every process; without it only Slack's 429s slow drawing down. */
  limiter?: RedisSlackRateLimiter;
  /** Files a finished rollback attaches to its thread (evidence bundles, the post-mortem draft). */
  attachments?: ThreadAttachmentSource;
  /**
   * When Redis last lost the bot's data (it forgot what was drawn). A rollback requested before then may
   * have its status message and thread in Slack already: they are looked up before anything is posted.
   */
  dataLoss?: { lostAt(): Promise<Date | undefined> };
  /**
   * Intermediate changes of one message are drawn at most this often (ms), while the rollback's call allowance
   * lasts; final states at once. Default 1000.
   */
  updateIntervalMs?: number;
  now?: () => number;
}

/**
 * Draws the latest snapshot of a rollback in Slack within a budget of Web API calls ({@link callBudget}: 10
 * for 5 steps, however slow the rollback): the status message is posted once (in the channel the rollback
 * was requested in, else the service's) and updated in place with the newest snapshot, the final state at
 * once and intermediate changes at most once per interval while the allowance lasts; each step with details
 * gets one thread reply, posted when it ends (a long step's earlier, and edited, if the allowance has room);
 * the checklists are posted once at the end, and then the files the rollback attaches (evidence, the
 * post-mortem draft), each uploaded once. Every post carries metadata naming the rollback, and a post left
 * unrecorded by a crash is found in Slack instead of posted again. What was drawn, and the calls spent, are
 * remembered in the store, so running it again changes nothing.
 */
export class SlackStatusSurface implements SnapshotSurface {
  readonly name = 'slack';
  private readonly calls: SlackCalls;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(private readonly options: SlackStatusSurfaceOptions) {
    this.calls = new SlackCalls(options.limiter);
    this.interval = options.updateIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  async sync(jobId: string): Promise<void> {
    const lock = await this.options.store.lock(jobId);
    if (!lock) throw new RetryableError('render_busy', 'another render of this rollback is running');
    // Renewed while Slack is slow; a render that dies holds the status back only until the lock expires.
    const renew = setInterval(() => void lock.extend().catch(() => false), RENDER_LOCK_MS / 3);
    try {
      for (let round = 0; round < MAX_ROUNDS && (await this.drawLatest(jobId)); round++) {
        if (!(await lock.extend())) break;
      }
    } finally {
      clearInterval(renew);
      await lock.release();
    }
  }

  /**
   * Draws a final state on the status message at once, even while a render holds the lock to draw the
   * thread (a reply on its way to Slack): a final state never waits behind an intermediate call. The status
   * message has a lock of its own; the thread, the checklists and the files stay with the render.
   */
  async drawFinal(snapshot: ProgressSnapshot): Promise<void> {
    const { jobId } = snapshot;
    // Not posted yet: the render posting it draws the final state next.
    if (!isFinished(snapshot) || !(await this.options.store.get(jobId))) return;
    const allowance = new CallAllowance(this.options.store, jobId, callBudget(snapshot.steps.length));
    const later = new Deferrals();
    await this.statusLocked(jobId, () => this.drawStatus(snapshot, later, allowance));
    later.throwIfAny();
  }

  /** Runs `draw` holding the status message's own lock (held for one call at most: waited for). */
  private async statusLocked<T>(jobId: string, draw: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + RENDER_LOCK_MS;
    for (;;) {
      const lock = await this.options.store.lock(`${jobId}#status`);
      if (lock) {
        try {
          return await draw();
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > deadline) throw new RetryableError('render_busy', 'the status message is being drawn');
      await sleep(20);
    }
  }

  /** Draws the latest snapshot; true when a newer snapshot arrived meanwhile and another round is due. */
  private async drawLatest(jobId: string): Promise<boolean> {
    const snapshot = await this.options.progress.get(jobId);
    if (!snapshot) return false;
    const { client, store } = this.options;
    const later = new Deferrals();
    const allowance = new CallAllowance(store, jobId, callBudget(snapshot.steps.length));
    const binding = await this.statusLocked(jobId, () => this.drawStatus(snapshot, later, allowance));
    let complete = true;
    await later.run(async () => {
      complete = await drawStepThreads(snapshot, binding, {
        client: this.options.client,
        store: this.options.store,
        calls: this.calls,
        allowance,
        intervalMs: this.interval,
        now: this.now,
        later,
        // Final states go first: a rollback that ended meanwhile is drawn before the rest of the thread.
        finalWaiting: async () => {
          if (isFinished(snapshot)) return false;
          const latest = await this.options.progress.get(jobId);
          return latest !== undefined && latest.version > snapshot.version && isFinished(latest);
        },
      });
    });
    if (!complete) return true;
    // The checklists close the thread: they wait until every step's reply is drawn.
    if (!later.any())
      await later.run(() =>
        drawChecklists(snapshot, binding, { client, store, calls: this.calls, allowance }),
      );
    // Files last: a slow upload never holds back the status, the steps or the checklists.
    const source = this.options.attachments;
    const closed = binding.checklistsPosted || snapshot.checklists.length === 0;
    if (source && !later.any() && isFinished(snapshot) && !snapshot.dryRun && closed) {
      await later.run(() => attachToThread(snapshot, binding, { client, store, calls: this.calls, source }));
    }
    later.throwIfAny();
    const latest = await this.options.progress.get(jobId);
    return latest !== undefined && latest.version > snapshot.version;
  }

  /** Posts the status message the first time (or finds it), then updates it in place when due. */
  private async drawStatus(
    snapshot: ProgressSnapshot,
    later: Deferrals,
    allowance: CallAllowance,
  ): Promise<SlackStatusBinding> {
    const { client, store } = this.options;
    const { jobId } = snapshot;
    const reportUrl = this.options.reportUrl?.(jobId);
    const message = renderStatusMessage(snapshot, reportUrl ? { reportUrl } : {});
    const blocks = message.blocks as never;
    const statusKey = messageKey(message.text, message.blocks);
    const final = isFinished(snapshot);
    const stage = progressStage(snapshot);
    let binding = await store.get(jobId);
    allowance.seen(binding?.callsSpent);
    if (!binding) {
      await this.recallForgotten(snapshot);
      const channel = await this.channelFor(jobId, snapshot.service);
      const posted = await postOnce(
        { client, store, calls: this.calls },
        {
          jobId,
          part: { kind: 'status' },
          channel,
          priority: final ? 'final' : 'status',
          text: message.text,
          blocks: message.blocks,
          charge: allowance.must,
          chargeLookUp: allowance.must,
        },
      );
      if (!posted.adopted) {
        const bound = {
          channel: posted.channel,
          ts: posted.ts,
          renderedVersion: snapshot.version,
          drawnAt: this.now(),
          statusKey,
          drawnStage: stage,
        };
        await store.bind(jobId, bound);
        return { ...bound, steps: {}, checklistsPosted: false };
      }
      // Posted before a crash, never recorded: adopt it, and bring it up to date below.
      const adopted = { channel, ts: posted.ts, renderedVersion: 0, drawnAt: 0 };
      await store.bind(jobId, adopted);
      binding = { ...adopted, steps: {}, checklistsPosted: false };
    }
    if (binding.renderedVersion >= snapshot.version) return binding;
    if (binding.statusKey === statusKey) {
      // A newer snapshot that shows the same (a checklist tick, drawn in its own message): no call.
      await store.update(jobId, { renderedVersion: snapshot.version });
      return binding;
    }
    const charge = statusCharge(snapshot, binding, allowance);
    // Withheld: the allowance is kept for what the final state needs, and the final state draws it.
    if (charge === undefined) return binding;
    const since = this.now() - binding.drawnAt;
    if (!final && since < this.interval) {
      later.add(this.interval - since);
      return binding;
    }
    const { channel, ts } = binding;
    await later.run(async () => {
      await this.calls.call(
        'chat.update',
        channel,
        final ? 'final' : 'status',
        () => client.chat.update({ channel, ts, text: message.text, blocks }),
        { before: charge },
      );
      const drawn = { renderedVersion: snapshot.version, drawnAt: this.now(), statusKey, drawnStage: stage };
      await store.update(jobId, drawn);
    });
    return binding;
  }

  /**
   * No record of what was drawn: for a rollback requested before Redis lost its data, every part may be in
   * Slack already. Marks each as intended, so it is looked up (by its metadata) before it is posted.
   */
  private async recallForgotten(snapshot: ProgressSnapshot): Promise<void> {
    const lostAt = await this.options.dataLoss?.lostAt();
    if (lostAt === undefined || Date.parse(snapshot.createdAt) > lostAt.getTime()) return;
    const { store } = this.options;
    const { jobId } = snapshot;
    await store.intend(jobId, 'status');
    for (const stepId of new Set(snapshot.details.map((d) => d.stepId)))
      await store.intend(jobId, `step:${stepId}`);
    if (isFinished(snapshot)) await store.intend(jobId, 'checklists');
  }

  /** The channel the rollback was requested in, else the service's incident channel. */
  private async channelFor(jobId: string, serviceName: string): Promise<string> {
    const plan = await this.options.index.plan(jobId);
    const fromRequest = plan?.request.channel;
    if (fromRequest) return fromRequest;
    const service = this.options.catalog.get(serviceName);
    if (!service)
      throw new PermanentError('unknown_service', `service ${serviceName} is no longer in the catalog`);
    return service.channel;
  }
}

/**
 * How an update of the status message is counted: the final state must go; while the rollback waits for
 * approval, updates answer people's clicks and are counted apart; an intermediate update goes while it
 * leaves the calls the final state still needs, and one that shows no step started since the message was
 * drawn (a step's line changed, or it ended) also leaves one for each step still to start: updates go to
 * showing the next step running first. Undefined when the update is withheld.
 */
function statusCharge(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  allowance: CallAllowance,
): (() => Promise<void>) | undefined {
  if (isFinished(snapshot)) return allowance.must;
  if (snapshot.state === 'awaiting_approval') return allowance.apart;
  const moved = progressStage(snapshot) > (binding.drawnStage ?? -1);
  return allowance.intermediate(stillToDraw(snapshot, binding) + (moved ? 0 : stepsToStart(snapshot)));
}

/** A digest of what a message shows. */
function messageKey(text: string, blocks: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([text, blocks]))
    .digest('hex')
    .slice(0, 32);
}
