import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { RollbackIndex } from '../rollback/ports/rollback-queue.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { EvidenceRef, ProgressSnapshot } from '../rollback/progress-snapshot.js';
import type { EvidenceStore } from './evidence-store.js';
import { buildPostmortem } from './postmortem/build-postmortem.js';

/** One file for the rollback's thread. */
export interface ThreadAttachment {
  /** Unique within the rollback, the same on every render: "bundle:<store id>", "postmortem". */
  key: string;
  filename: string;
  title: string;
  /** The message that introduces it in the thread. */
  comment: string;
  /** Its bytes; undefined when it is gone (a bundle removed by retention meanwhile). */
  load(): Promise<Uint8Array | undefined>;
}

/** What a finished rollback attaches to its thread (evidence bundles, the post-mortem draft). */
export interface ThreadAttachmentSource {
  attachmentsOf(snapshot: ProgressSnapshot): Promise<ThreadAttachment[]>;
}

export interface EvidenceAttachmentsOptions {
  progress: ProgressStore;
  audit?: AuditLog;
  /** The rollback index's plans (the linked incident dates the draft's "detected"). */
  plans?: Pick<RollbackIndex, 'plan'>;
  /** Absent: no bundle is attached, only the draft. */
  store?: EvidenceStore;
  /** Bundles up to this many bytes are attached; larger ones are linked from the draft's message. */
  maxBytes: number;
  /** The report page of a rollback (signed when a key is set): bundles too large for Slack are downloaded there. */
  reportUrl?: (jobId: string) => string | undefined;
  /** When the draft is taken (it says so at its top). */
  now?: () => Date;
}

/**
 * The evidence a finished rollback attaches to its Slack thread: each bundle up to EVIDENCE_SLACK_MAX_BYTES
 * (the `.tar.gz` as kept, already redacted), then the post-mortem draft, whose message links the larger
 * bundles to the report page (same access rules as the page).
 *
 * The draft is uploaded once, when the rollback ended: a snapshot. Later checklist ticks and notifications
 * are in the live draft (`/rollbacks/<job>/postmortem.md`, `rollback-bot postmortem <job>`), which the
 * attached file and its message say at the top, with the link. (Uploading it again on every change would
 * cost two Web API calls and a new file in the thread per tick.)
 */
export class EvidenceAttachments implements ThreadAttachmentSource {
  constructor(private readonly options: EvidenceAttachmentsOptions) {}

  async attachmentsOf(snapshot: ProgressSnapshot): Promise<ThreadAttachment[]> {
    const { store, maxBytes } = this.options;
    const refs = snapshot.evidence ?? [];
    const small = store ? refs.filter((ref) => ref.bytes <= maxBytes) : [];
    const large = refs.filter((ref) => !small.includes(ref));
    const bundles = small.map((ref) => this.bundle(ref, store as EvidenceStore));
    return [...bundles, this.draft(snapshot, refs, large)];
  }

  private bundle(ref: EvidenceRef, store: EvidenceStore): ThreadAttachment {
    const file = ref.id.split('/').at(-1) ?? ref.id;
    return {
      key: `bundle:${ref.id}`,
      filename: file,
      title: `Evidence (${ref.label}): ${ref.target}`,
      comment: `Evidence bundle, ${ref.label}: ${ref.target} (${size(ref.bytes)})${failedNote(ref)}`,
      load: () => store.get(ref.id),
    };
  }

  private draft(
    snapshot: ProgressSnapshot,
    refs: readonly EvidenceRef[],
    large: EvidenceRef[],
  ): ThreadAttachment {
    const { jobId } = snapshot;
    const live = this.liveDraftUrl(jobId);
    const links = large.map((ref) => {
      const url = this.bundleUrl(jobId, refs.indexOf(ref));
      const where = url ? `: <${url}|download from the report page>` : ': on the report page';
      return `• ${ref.label}, ${ref.target} (${size(ref.bytes)}, over the ${size(this.options.maxBytes)} Slack limit)${where}`;
    });
    return {
      key: 'postmortem',
      filename: `postmortem-${jobId}.md`,
      title: `Post-mortem draft: ${snapshot.service} ${snapshot.from} → ${snapshot.to}`,
      comment: [
        'Post-mortem draft (Markdown): the timeline, versions, evidence and checklists; root cause and follow-up to fill in.',
        `This file is a snapshot taken when the rollback ended; ${live ? `the live draft (later checklist ticks and notifications): <${live}|postmortem.md on the report page>` : `the live draft: \`rollback-bot postmortem ${jobId}\` or the report page`}.`,
        ...(links.length > 0 ? ['Evidence too large to attach here:', ...links] : []),
      ].join('\n'),
      load: async () => {
        const { progress, audit, store, plans } = this.options;
        const draft = await buildPostmortem(
          {
            progress,
            ...(audit ? { audit } : {}),
            ...(plans ? { plans } : {}),
            ...(store ? { store } : {}),
            bundleUrl: (job, index) => this.bundleUrl(job, index),
          },
          jobId,
        );
        if (draft === undefined) return undefined;
        const taken = (this.options.now?.() ?? new Date()).toISOString();
        // Under the title: the draft as the report page serves it, marked as the copy it is.
        const [title = '', ...rest] = draft.split('\n');
        return Buffer.from([title, '', snapshotNote(jobId, taken, live), ...rest].join('\n'), 'utf8');
      },
    };
  }

  /** `/rollbacks/<job>/postmortem.md`: the live draft, with the page's signature when links are signed. */
  private liveDraftUrl(jobId: string): string | undefined {
    const page = this.options.reportUrl?.(jobId);
    if (!page) return undefined;
    const url = new URL(page);
    url.pathname = `${url.pathname.replace(/\/$/, '')}/postmortem.md`;
    return url.toString();
  }

  /** `/rollbacks/<job>/evidence/<n>` on the report page, with its signature when links are signed. */
  private bundleUrl(jobId: string, index: number): string | undefined {
    const page = this.options.reportUrl?.(jobId);
    if (!page) return undefined;
    const url = new URL(page);
    url.pathname = `${url.pathname.replace(/\/$/, '')}/evidence/${index}`;
    return url.toString();
  }
}

/** The attached draft's first lines: a snapshot, and where the live one is. */
function snapshotNote(jobId: string, taken: string, live: string | undefined): string {
  const where = live
    ? `the live draft, with every later checklist tick and notification, is at <${live}>`
    : `the live draft, with every later checklist tick and notification: \`rollback-bot postmortem ${jobId}\` or the rollback's report page (\`/rollbacks/${jobId}/postmortem.md\`)`;
  return `> **Snapshot** of this post-mortem draft, taken ${taken} when the rollback ended (attached to the Slack thread); ${where}.`;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function failedNote(ref: EvidenceRef): string {
  return ref.failed.length > 0 ? `; failed collectors: ${ref.failed.join('; ')}` : '';
}
