import type { webApi } from '@slack/bolt';
import { renderChecklists, renderDetail, renderStatusMessage } from '../../render/slack/index.js';
import { PermanentError, RetryableError } from '../../errors/rollback-error.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import { isFinished, type ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { SnapshotSurface } from '../../rollback/ports/snapshot-surface.js';
import { callSlack } from './call-slack.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';

/** Rounds one render draws at most before it leaves newer versions to their own render jobs. */
const MAX_ROUNDS = 10;

export interface SlackStatusSurfaceOptions {
  client: webApi.WebClient;
  /** What was drawn of each rollback, and the render lock. */
  store: SlackStatusStore;
  progress: ProgressStore;
  /** The plan of a rollback, for the channel it was requested in. */
  index: RollbackIndex;
  catalog: ServiceCatalog;
  reportUrl?: (jobId: string) => string | undefined;
}

/**
 * Draws the latest snapshot of a rollback in Slack: posts the status message once (in the channel the
 * rollback was requested in, else the service's), then updates it in place; posts each detail line once
 * in its thread, and the checklists once at the end. What was drawn is remembered in the store, so
 * running it again (a retry, a duplicate render job) changes nothing.
 */
export class SlackStatusSurface implements SnapshotSurface {
  readonly name = 'slack';

  constructor(private readonly options: SlackStatusSurfaceOptions) {}

  async sync(jobId: string): Promise<void> {
    const lock = await this.options.store.lock(jobId);
    if (!lock) throw new RetryableError('render_busy', 'another render of this rollback is running');
    try {
      // Draw until Slack shows the newest snapshot: renders that found the lock taken leave it to us. The
      // lock is extended every round, so a slow Slack never lets a second render in to post twice.
      for (let round = 0; round < MAX_ROUNDS && (await this.drawLatest(jobId)); round++) {
        if (!(await lock.extend())) break;
      }
    } finally {
      await lock.release();
    }
  }

  /** Draws the latest snapshot; true when a newer snapshot arrived meanwhile and another round is due. */
  private async drawLatest(jobId: string): Promise<boolean> {
    const snapshot = await this.options.progress.get(jobId);
    if (!snapshot) return false;
    const binding = await this.drawStatus(snapshot);
    await this.drawDetails(snapshot, binding);
    await this.drawChecklists(snapshot, binding);
    const latest = await this.options.progress.get(jobId);
    return latest !== undefined && latest.version > snapshot.version;
  }

  /** Posts the status message the first time, then updates it in place when the snapshot is newer. */
  private async drawStatus(snapshot: ProgressSnapshot): Promise<SlackStatusBinding> {
    const { client, store } = this.options;
    const { jobId } = snapshot;
    const reportUrl = this.options.reportUrl?.(jobId);
    const message = renderStatusMessage(snapshot, reportUrl ? { reportUrl } : {});
    const blocks = message.blocks as never;
    const binding = await store.get(jobId);
    if (!binding) {
      const channel = await this.channelFor(jobId, snapshot.service);
      const posted = await callSlack(() => client.chat.postMessage({ channel, text: message.text, blocks }));
      const bound = {
        channel: String(posted.channel ?? channel),
        ts: String(posted.ts),
        renderedVersion: snapshot.version,
      };
      await store.bind(jobId, bound);
      return { ...bound, detailsPosted: 0, checklistsPosted: false };
    }
    if (binding.renderedVersion < snapshot.version) {
      const { channel, ts } = binding;
      await callSlack(() => client.chat.update({ channel, ts, text: message.text, blocks }));
      await store.update(jobId, { renderedVersion: snapshot.version });
    }
    return binding;
  }

  /** Posts each detail line not posted yet in the thread, recording each one as it goes. */
  private async drawDetails(snapshot: ProgressSnapshot, binding: SlackStatusBinding): Promise<void> {
    const { client, store } = this.options;
    let detailsPosted = binding.detailsPosted;
    for (const entry of snapshot.details.slice(detailsPosted)) {
      const title = snapshot.steps.find((s) => s.id === entry.stepId)?.title ?? entry.stepId;
      const text = renderDetail(entry, title);
      await callSlack(() =>
        client.chat.postMessage({ channel: binding.channel, thread_ts: binding.ts, text }),
      );
      detailsPosted += 1;
      await store.update(snapshot.jobId, { detailsPosted });
    }
  }

  /** Posts the checklists in the thread once the rollback ended. */
  private async drawChecklists(snapshot: ProgressSnapshot, binding: SlackStatusBinding): Promise<void> {
    if (!isFinished(snapshot) || snapshot.checklists.length === 0 || binding.checklistsPosted) return;
    const lists = renderChecklists(snapshot.checklists);
    await callSlack(() =>
      this.options.client.chat.postMessage({
        channel: binding.channel,
        thread_ts: binding.ts,
        text: lists.text,
        blocks: lists.blocks as never,
      }),
    );
    await this.options.store.update(snapshot.jobId, { checklistsPosted: true });
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
