import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import { RetryLaterError } from '../../../src/errors/retry-later-error.js';
import { StatusPageClient } from '../../../src/targets/status-page/status-page-client.js';
import { startFakeStatusPage, type FakeStatusPage } from '../../support/fake-status-page.js';

let page: FakeStatusPage;
/** Waits as long as a test may, so an answer that comes late on a busy machine still counts as one. */
const client = new StatusPageClient({ timeoutMs: 20_000 });
/** Gives up after 300 ms, for the page that never answers. */
const hurried = new StatusPageClient({ timeoutMs: 300 });
const update = {
  component: 'Kaizen API',
  status: 'identified' as const,
  message: 'Rolling kaizen back to v0.7.0.',
  incident: { id: 'Q2KPW3SL0BGXXN', url: 'https://acme.pagerduty.com/incidents/Q2KPW3SL0BGXXN' },
};

beforeEach(async () => {
  page = await startFakeStatusPage();
});
afterEach(async () => {
  await page.close();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );

describe('StatusPageClient', () => {
  it('posts {component, status, message, incident} as JSON', async () => {
    await client.post(page.url, update);
    expect(page.posts).toEqual([
      { path: '/hooks/status/s3cr3t-path-token', contentType: 'application/json', body: update },
    ]);
  });

  it('a 503 with Retry-After is retryable after that wait; a 500 without is plainly retryable', async () => {
    page.failNext(503, 1, 7);
    page.failNext(500);
    const first = await failure(client.post(page.url, update));
    expect(first).toBeInstanceOf(RetryLaterError);
    expect(first).toMatchObject({ code: 'status_page_unavailable', retryAfterMs: 7_000 });
    const second = await failure(client.post(page.url, update));
    expect(second).toBeInstanceOf(RetryableError);
    expect(second).not.toBeInstanceOf(RetryLaterError);
  });

  it('a 404 is permanent and names the host only, never the secret path', async () => {
    page.failNext(404);
    const error = (await failure(client.post(page.url, update))) as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('status_page_rejected');
    expect(`${error.message} ${error.hint}`).not.toContain('s3cr3t');
    expect(error.message).toContain('127.0.0.1');
  });

  it('no answer is a retryable timeout; a closed port is retryable too', async () => {
    page.failNext('hang');
    expect(await failure(hurried.post(page.url, update))).toMatchObject({ code: 'status_page_timeout' });
    const url = page.url;
    await page.close();
    expect(await failure(client.post(url, update))).toMatchObject({ code: 'status_page_unreachable' });
  });
});
