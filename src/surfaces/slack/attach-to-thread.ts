import type { webApi } from '@slack/bolt';
import { RetryableError } from '../../errors/rollback-error.js';
import type { ThreadAttachment, ThreadAttachmentSource } from '../../evidence/thread-attachments.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import type { SlackStatusBinding, SlackStatusStore } from '../../stores/slack-status-store.js';
import type { SlackCalls } from './slack-calls.js';

/** Recorded once every attachment of the rollback is in its thread: later renders skip the work. */
const ALL_ATTACHED = '*';
/** An upload URL that does not answer within this long is tried again on the next render. */
const UPLOAD_TIMEOUT_MS = 60_000;

export interface ThreadAttaching {
  client: webApi.WebClient;
  store: SlackStatusStore;
  calls: SlackCalls;
  source: ThreadAttachmentSource;
}

/**
 * Attaches a finished rollback's files to its thread with Slack's external upload: files.getUploadURLExternal,
 * the bytes POSTed to the URL it returns, files.completeUploadExternal sharing the file in the thread. Each
 * file is uploaded once: its file id is recorded as pending before the bytes go, done once it is shared; a
 * pending one left by a crash is looked up (files.info) before it is uploaded again. Failures are thrown as
 * the render queue's retryable errors: it retries with backoff, and the rollback never waits on it.
 */
export async function attachToThread(
  snapshot: ProgressSnapshot,
  binding: SlackStatusBinding,
  attaching: ThreadAttaching,
): Promise<void> {
  const { store, source } = attaching;
  const { jobId } = snapshot;
  const records = await store.uploads(jobId);
  if (records[ALL_ATTACHED]?.state === 'done') return;
  for (const file of await source.attachmentsOf(snapshot)) {
    const record = records[file.key];
    if (record?.state === 'done') continue;
    if (record && (await sharedInThread(attaching, binding, record.fileId))) {
      await store.recordUpload(jobId, file.key, { fileId: record.fileId, state: 'done' });
      continue;
    }
    const fileId = await uploadOne(attaching, binding, jobId, file);
    await store.recordUpload(jobId, file.key, { fileId, state: 'done' });
  }
  await store.recordUpload(jobId, ALL_ATTACHED, { fileId: '', state: 'done' });
}

/** Uploads and shares one file; its id ('' when the file is gone and nothing was uploaded). */
async function uploadOne(
  attaching: ThreadAttaching,
  binding: SlackStatusBinding,
  jobId: string,
  file: ThreadAttachment,
): Promise<string> {
  const { client, calls, store } = attaching;
  const { channel, ts } = binding;
  const data = await file.load();
  if (data === undefined) return '';
  const target = await calls.call('files.getUploadURLExternal', channel, 'thread', () =>
    client.files.getUploadURLExternal({ filename: file.filename, length: data.byteLength }),
  );
  const fileId = String(target.file_id ?? '');
  await store.recordUpload(jobId, file.key, { fileId, state: 'pending' });
  await postBytes(String(target.upload_url ?? ''), data, file.filename);
  await calls.call('files.completeUploadExternal', channel, 'thread', () =>
    client.files.completeUploadExternal({
      files: [{ id: fileId, title: file.title }],
      channel_id: channel,
      thread_ts: ts,
      initial_comment: file.comment,
    }),
  );
  return fileId;
}

async function postBytes(url: string, data: Uint8Array, filename: string): Promise<void> {
  let status: number;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(data),
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    status = response.status;
    await response.arrayBuffer();
  } catch (error) {
    throw new RetryableError('slack_unavailable', `Slack did not take the file ${filename}`, {
      cause: error,
    });
  }
  if (status !== 200)
    throw new RetryableError('slack_unavailable', `Slack did not take the file ${filename}: HTTP ${status}`);
}

/** Whether a file whose upload was left pending is shared in the rollback's thread already. */
async function sharedInThread(
  { client, calls }: ThreadAttaching,
  binding: SlackStatusBinding,
  fileId: string,
): Promise<boolean> {
  if (fileId === '') return false;
  const info = await calls.call('files.info', binding.channel, 'thread', () =>
    client.files.info({ file: fileId }).catch((error: unknown) => {
      // Never completed: Slack does not know the file, and it is uploaded anew.
      if ((error as { data?: { error?: string } }).data?.error === 'file_not_found') return undefined;
      throw error;
    }),
  );
  const shares = info?.file?.shares as
    Partial<Record<'public' | 'private', Record<string, { thread_ts?: string; ts?: string }[]>>> | undefined;
  const here = [...(shares?.public?.[binding.channel] ?? []), ...(shares?.private?.[binding.channel] ?? [])];
  return here.some((share) => share.thread_ts === binding.ts);
}
