import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pagerDutyDeliverers } from '../../src/outbox/deliverers/pagerduty-deliverers.js';
import { OutboxKeys, bullJobId } from '../../src/outbox/outbox-keys.js';
import { RetryableError } from '../../src/errors/rollback-error.js';
import type { NotificationRecord } from '../../src/rollback/ports/notification-outbox.js';
import { PagerDutyRestClient } from '../../src/targets/pagerduty/pagerduty-rest-client.js';
import {
  BOT_USER,
  KAIZEN_INCIDENT,
  startFakePagerDuty,
  type FakePagerDuty,
} from '../support/fake-pagerduty/index.js';
import { note, outboxHarness, type OutboxHarness } from './outbox-harness.js';

const INCIDENT = KAIZEN_INCIDENT.id;
let pd: FakePagerDuty;
let h: OutboxHarness;
let jobId: string;

function deliverers() {
  const client = new PagerDutyRestClient({
    token: pd.token,
    fromEmail: BOT_USER.email,
    apiUrl: pd.url,
    timeoutMs: 1_000,
    rateLimitWaitMs: 50,
  });
  return pagerDutyDeliverers(client);
}

async function entries(): Promise<NotificationRecord[]> {
  return (await h.outbox.timeline(jobId)).entries;
}

async function states(): Promise<string[]> {
  return (await entries()).map((entry) => entry.state);
}

beforeEach(async () => {
  pd = await startFakePagerDuty();
  h = outboxHarness('outbox');
  jobId = `kaizen-${Math.random().toString(36).slice(2, 8)}`;
});
afterEach(async () => {
  await h.close();
  await pd.close();
});

describe('notification outbox', () => {
  it('delivers a note and records when it was sent', async () => {
    h.startWorker(deliverers());
    expect(await h.outbox.enqueue(note(jobId, INCIDENT, 'requested'))).toBe('queued');
    await pd.waitFor(() => pd.notes(INCIDENT).length === 1);
    await expect.poll(states).toEqual(['sent']);
    const [entry] = await entries();
    expect(entry).toMatchObject({
      id: `${jobId}:note:requested`,
      channel: 'pagerduty-note',
      label: 'PagerDuty note: requested',
      sequence: 1,
      attempts: 1,
    });
    expect(Date.parse(entry?.sentAt ?? '')).toBeGreaterThanOrEqual(Date.parse(entry?.queuedAt ?? ''));
    expect(pd.notes(INCIDENT)[0]?.content).toBe('rollback requested');
  });

  it('retries through a PagerDuty 500 outage, then sends once, recording attempts and the last error', async () => {
    pd.failNext('createNote', { kind: 'http', status: 500 }, 3);
    h.startWorker(deliverers());
    await h.outbox.enqueue(note(jobId, INCIDENT, 'started'));
    await expect.poll(states, { timeout: 10_000 }).toEqual(['sent']);
    // The last error stays on record: the post-mortem shows why it arrived late.
    expect(await entries()).toMatchObject([
      { attempts: 4, state: 'sent', lastError: { code: 'pagerduty_unavailable' } },
    ]);
    expect(pd.notes(INCIDENT)).toHaveLength(1);
    expect(pd.callsTo('createNote').map((c) => c.status)).toEqual([500, 500, 500, 201]);
  });

  it('shows a notification still waiting, with its last error, while PagerDuty is down', async () => {
    await pd.down();
    h.startWorker(deliverers());
    await h.outbox.enqueue(note(jobId, INCIDENT, 'started'));
    await expect
      .poll(async () => (await entries())[0]?.attempts ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    const [entry] = await entries();
    expect(entry).toMatchObject({ state: 'retrying', lastError: { code: 'pagerduty_unreachable' } });
    expect(Date.parse(entry?.nextAttemptAt ?? '')).toBeGreaterThan(Date.parse(entry?.queuedAt ?? ''));
    await pd.up();
    await expect.poll(states, { timeout: 10_000 }).toEqual(['sent']);
    expect(pd.notes(INCIDENT)).toHaveLength(1);
  });

  it('never sends one id twice: a duplicate enqueue, or one after the delivery job is long gone', async () => {
    h.startWorker(deliverers());
    const requested = note(jobId, INCIDENT, 'requested');
    expect(await h.outbox.enqueue(requested)).toBe('queued');
    expect(await h.outbox.enqueue(requested)).toBe('duplicate');
    await expect.poll(states).toEqual(['sent']);
    // Retention removed the finished job; the webhook is redelivered and the note enqueued again.
    await h.outbox.queue.remove(bullJobId(requested.id));
    expect(await h.outbox.enqueue(requested)).toBe('duplicate');
    await expect.poll(() => h.outbox.queue.getJobState(bullJobId(requested.id))).toBe('completed');
    expect(pd.notes(INCIDENT)).toHaveLength(1);
    expect(await entries()).toHaveLength(1);
  });

  it('a notification enqueued while no worker runs is delivered when one starts (a resumed worker)', async () => {
    await h.outbox.enqueue(note(jobId, INCIDENT, 'requested'));
    await h.outbox.enqueue(note(jobId, INCIDENT, 'approved'));
    expect(await states()).toEqual(['queued', 'queued']);
    h.startWorker(deliverers());
    await expect.poll(states).toEqual(['sent', 'sent']);
    expect(pd.notes(INCIDENT).map((n) => n.content)).toEqual(['rollback requested', 'rollback approved']);
  });

  it('keeps the notes of one incident in milestone order across an outage', async () => {
    await pd.down();
    h.startWorker(deliverers());
    const milestones = ['requested', 'approved', 'started', 'rolled back', 'verified'];
    for (const milestone of milestones) await h.outbox.enqueue(note(jobId, INCIDENT, milestone));
    await expect
      .poll(states, { timeout: 10_000 })
      .toEqual(['retrying', 'waiting', 'waiting', 'waiting', 'waiting']);
    expect((await entries())[1]?.waitingFor).toBe('PagerDuty note: requested');
    await pd.up();
    await expect.poll(states, { timeout: 10_000 }).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(pd.notes(INCIDENT).map((n) => n.content)).toEqual(milestones.map((m) => `rollback ${m}`));
  });

  it('a note PagerDuty refuses for good fails visibly and does not hold back the next one', async () => {
    h.startWorker(deliverers());
    await h.outbox.enqueue(note(jobId, INCIDENT, 'requested'));
    pd.failNext('createNote', { kind: 'http', status: 400 });
    await expect.poll(states, { timeout: 10_000 }).toEqual(['failed']);
    await h.outbox.enqueue(note(jobId, INCIDENT, 'approved'));
    await expect.poll(states, { timeout: 10_000 }).toEqual(['failed', 'sent']);
    expect((await entries())[0]).toMatchObject({ attempts: 1, lastError: { code: 'pagerduty_bad_request' } });
    expect(pd.notes(INCIDENT).map((n) => n.content)).toEqual(['rollback approved']);
  });

  it('different incidents do not wait for each other', async () => {
    h.startWorker(deliverers());
    // The fake knows no QOTHERINCIDENT: PagerDuty answers 404 for good.
    await h.outbox.enqueue(note(jobId, 'QOTHERINCIDENT', 'other incident'));
    await h.outbox.enqueue(note(jobId, INCIDENT, 'requested'));
    await expect.poll(states, { timeout: 10_000 }).toEqual(['failed', 'sent']);
  });

  it('records status updates and responder requests in the same timeline, in enqueue order', async () => {
    h.startWorker(deliverers());
    await h.outbox.enqueue(note(jobId, INCIDENT, 'started'));
    await h.outbox.enqueue({
      id: `${jobId}:status:start`,
      channel: 'pagerduty-status',
      jobId,
      label: 'PagerDuty status update: rollback started',
      payload: {
        incidentId: INCIDENT,
        message: 'Rolling kaizen back to v0.7.0.',
        subject: 'kaizen rollback',
      },
    });
    await h.outbox.enqueue({
      id: `${jobId}:responders:failed`,
      channel: 'pagerduty-responders',
      jobId,
      label: 'PagerDuty responders: infra lead',
      payload: { incidentId: INCIDENT, message: 'Rollback failed', userIds: ['PJ25ZYX'] },
    });
    await expect.poll(states, { timeout: 10_000 }).toEqual(['sent', 'sent', 'sent']);
    expect((await entries()).map((e) => [e.sequence, e.channel])).toEqual([
      [1, 'pagerduty-note'],
      [2, 'pagerduty-status'],
      [3, 'pagerduty-responders'],
    ]);
    expect(pd.statusUpdates(INCIDENT)).toMatchObject([{ subject: 'kaizen rollback' }]);
    expect(pd.responderRequests(INCIDENT)).toHaveLength(1);
  });

  it('a channel nobody delivers fails with a plain reason', async () => {
    h.startWorker(deliverers());
    await h.outbox.enqueue({
      id: `${jobId}:slack:done`,
      channel: 'slack-stakeholder',
      jobId,
      label: 'Slack #stakeholders: done',
      payload: { channel: '#stakeholders', text: 'kaizen rolled back' },
    });
    await expect.poll(states, { timeout: 10_000 }).toEqual(['failed']);
    expect((await entries())[0]?.lastError).toEqual({
      code: 'outbox_no_deliverer',
      message: 'Nothing is configured to deliver slack-stakeholder notifications.',
    });
  });

  it('reads the timeline through its schema: damaged records are counted, not guessed at', async () => {
    await h.outbox.enqueue(note(jobId, INCIDENT, 'requested'));
    const key = new OutboxKeys(h.prefix).timeline(jobId);
    await h.redis.hset(key, 'garbage', '{"not":"a record"}', 'old', JSON.stringify({ schemaVersion: 0 }));
    const timeline = await h.outbox.timeline(jobId);
    expect(timeline.entries.map((e) => e.label)).toEqual(['PagerDuty note: requested']);
    expect(timeline.unreadable).toBe(2);
  });

  it('Redis away: enqueue fails fast with a retryable error the caller can log', async () => {
    const { startPrivateRedis } = await import('../support/private-redis.js');
    const { RedisConnectionFactory } = await import('../../src/main/redis-connection-factory.js');
    const { BullmqNotificationOutbox } = await import('../../src/outbox/bullmq-notification-outbox.js');
    const privateRedis = await startPrivateRedis();
    const connections = new RedisConnectionFactory({
      url: `redis://127.0.0.1:${privateRedis.port}`,
      prefix: h.prefix,
    });
    const redis = connections.command();
    const outbox = new BullmqNotificationOutbox({
      connection: connections.bullmqConnection(),
      redis,
      prefix: h.prefix,
      policy: { enqueueTimeoutMs: 300 },
    });
    outbox.queue.on('error', () => undefined);
    try {
      expect(await outbox.enqueue(note(jobId, INCIDENT, 'requested'))).toBe('queued');
      await privateRedis.stop();
      const error = await outbox.enqueue(note(jobId, INCIDENT, 'approved')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ code: 'outbox_unavailable' });
    } finally {
      redis.disconnect();
      await Promise.race([outbox.close(), new Promise((resolve) => setTimeout(resolve, 500))]);
      await privateRedis.stop();
    }
  });
});

describe('status-page notifications through the outbox', () => {
  it('post in order per service, with URL and component from the catalog at delivery', async () => {
    const { startFakeStatusPage } = await import('../support/fake-status-page.js');
    const { StatusPageClient } = await import('../../src/targets/status-page/status-page-client.js');
    const { statusPageDeliverer } = await import('../../src/outbox/deliverers/status-page-deliverer.js');
    const page = await startFakeStatusPage();
    try {
      page.failNext(503, 2, 0);
      h.startWorker({
        'status-page': statusPageDeliverer(new StatusPageClient({ timeoutMs: 1_000 }), (service) =>
          service === 'kaizen' ? { url: page.url, component: 'Kaizen API' } : undefined,
        ),
      });
      for (const [step, status] of [
        ['identified', 'identified'],
        ['monitoring', 'monitoring'],
      ] as const) {
        await h.outbox.enqueue({
          id: `${jobId}:status-page:${step}`,
          channel: 'status-page',
          jobId,
          label: `Status page: ${step}`,
          payload: { service: 'kaizen', status, message: `kaizen ${step}` },
        });
      }
      await expect.poll(states, { timeout: 10_000 }).toEqual(['sent', 'sent']);
      expect(page.posts.map((p) => p.body)).toEqual([
        { component: 'Kaizen API', status: 'identified', message: 'kaizen identified' },
        { component: 'Kaizen API', status: 'monitoring', message: 'kaizen monitoring' },
      ]);
      const stored = JSON.stringify(await h.redis.hgetall(new OutboxKeys(h.prefix).timeline(jobId)));
      expect(stored).not.toContain('s3cr3t');
    } finally {
      await page.close();
    }
  });
});
