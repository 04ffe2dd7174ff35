import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { RedisAuditLog } from '../../../src/stores/redis-audit-log.js';
import { RedisKeys } from '../../../src/stores/redis-keys.js';
import { RedisProgressStore } from '../../../src/stores/redis-progress-store.js';
import { RedisRollbackIndex } from '../../../src/stores/redis-rollback-index.js';
import { createHttpServer } from '../../../src/transport/http/create-http-server.js';
import { checkReportAccess, type ReportAccessConfig } from '../../../src/transport/http/report-access.js';
import { reportLink, reportSignature } from '../../../src/transport/http/report-link.js';
import { reportRoutes } from '../../../src/transport/http/report-routes.js';
import { ChecklistService } from '../../../src/rollback/checklist-service.js';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from '../../support/redis-test-prefix.js';
import { failedRollback, HOSTILE } from './report-page-fixture.js';

const TOKEN = 'report-token-0123456789abcdef';
const SIGNING_KEY = 'report-signing-key-0123456789abcdef0123456789';
const JOB = 'kaizen-mabc1234-x9z1';

describe('GET /rollbacks/<job-id>: the report page', () => {
  const prefix = testPrefix('report');
  const keys = new RedisKeys(prefix);
  const log = silentLogger();
  let redis: Redis;
  let local: FastifyInstance;
  let exposed: FastifyInstance;

  async function serve(access: ReportAccessConfig, formKey?: string): Promise<FastifyInstance> {
    const audit = new RedisAuditLog(redis, keys);
    const progress = new RedisProgressStore(redis, keys);
    const checklists = new ChecklistService({ progress, audit });
    const app = await createHttpServer({
      log,
      readiness: [],
      plugins: [
        reportRoutes({
          progress: new RedisProgressStore(redis, keys),
          index: new RedisRollbackIndex(redis, keys),
          audit,
          access,
          log,
          ...(formKey ? { ticking: { checklists, formKey } } : {}),
        }),
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  }
  const base = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const get = (app: FastifyInstance, path: string, headers: Record<string, string> = {}) =>
    fetch(`${base(app)}${path}`, { headers });

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    const { snapshot, plan } = failedRollback(JOB);
    await new RedisRollbackIndex(redis, keys).record(plan);
    await new RedisProgressStore(redis, keys).publish(snapshot);
    const audit = new RedisAuditLog(redis, keys);
    await audit.append({
      type: 'requested',
      actor: snapshot.requester,
      service: 'kaizen',
      jobId: JOB,
      detail: `to v0.7.0; reason: ${HOSTILE.reason}`,
    });
    await audit.append({
      type: 'failed',
      actor: { id: 'worker', name: 'worker', source: 'http' },
      service: 'kaizen',
      jobId: JOB,
      detail: 'Monitor rollout failed',
    });
    local = await serve({});
    exposed = await serve({ token: TOKEN, signingKey: SIGNING_KEY });
  });
  afterAll(async () => {
    await local?.close();
    await exposed?.close();
    redis?.disconnect();
    await deletePrefix(prefix);
  });

  it('shows the plan, who asked, every step with timings, details and errors, the outcome, checklists and audit', async () => {
    const response = await get(local, `/rollbacks/${JOB}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<title>Rollback of kaizen (production)');
    expect(page).toContain('v0.8.0 (revision 3) → v0.7.0');
    expect(page).toMatch(
      /Failed at step Monitor rollout after 1 min 48 s: deployment &quot;kaizen&quot; exceeded its progress deadline/,
    );
    for (const title of [
      'Identify current and target versions',
      'Perform rollback (image)',
      'Monitor rollout',
    ])
      expect(page).toContain(title);
    expect(page).toContain('2026-03-01 14:00:01 UTC');
    expect(page).toMatch(/<td>2 s<\/td>/);
    expect(page).toContain('progress_deadline_exceeded');
    expect(page).toContain(
      'Hint: Check the image &lt;tag&gt; exists &amp; pods can pull it: <code>kubectl describe pod -l app=kaizen</code>.',
    );
    expect(page).toContain('Current: deployment/kaizen at revision 3');
    expect(page).toContain('kubectl set image deployment/kaizen kaizen=kaizen:v0.7.0');
    expect(page).toContain('☐ Schedule post-mortem with <code>incident-42</code>');
    expect(page).not.toContain('`incident-42`');
    expect(page).toContain('☑ Document lessons learned');
    expect(page).toContain('U0ALICE, via slack');
    expect(page).toMatch(/Approval<\/dt>\s*<dd>\s*Not required/);
    expect(page).toMatch(/<td>requested<\/td>/);
    expect(page).toMatch(/<td>failed<\/td>/);
    expect(page).toContain('id="evidence"');
    expect(page).toContain('id="post-mortem"');
    expect(page).not.toContain('http-equiv="refresh"'); // finished: no reload
  });

  it('renders hostile user text inert: no tag, attribute or script survives', async () => {
    const page = await (await get(local, `/rollbacks/${JOB}`)).text();
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<svg/i);
    expect(page).not.toMatch(/<iframe/i);
    // Only the page's own links (evidence downloads, the post-mortem draft) are anchors.
    expect(page).not.toMatch(/<a (?!href="\/rollbacks\/)/i);
    expect(page).not.toMatch(/="javascript:/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('&lt;/td&gt;&lt;svg onload=alert(3)&gt;&#39;');
    expect(page).toContain('&lt;iframe src=&quot;javascript:alert(4)&quot;&gt;&lt;/iframe&gt;');
  });

  it('forbids scripts and framing, and sends no referrer (a signed link stays private)', async () => {
    const response = await get(local, `/rollbacks/${JOB}`);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('when exposed: 401 without credentials, with a wrong token or a bad signature', async () => {
    const none = await get(exposed, `/rollbacks/${JOB}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('Monitor rollout');
    expect(
      (await get(exposed, `/rollbacks/${JOB}`, { authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await get(exposed, `/rollbacks/${JOB}`, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const otherJobsSig = reportSignature(SIGNING_KEY, 'kaizen-other-job');
    expect((await get(exposed, `/rollbacks/${JOB}?sig=${otherJobsSig}`)).status).toBe(401);
    expect(
      (
        await get(
          exposed,
          `/rollbacks/${JOB}?sig=${reportSignature('another-key-0123456789abcdef0123456789', JOB)}`,
        )
      ).status,
    ).toBe(401);
    expect((await get(exposed, `/rollbacks/${JOB}?sig=zz`)).status).toBe(401);
  });

  it('when exposed: 200 with the bearer token, or with the signed link the Slack message carries', async () => {
    const bearer = await get(exposed, `/rollbacks/${JOB}`, { authorization: `Bearer ${TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(await bearer.text()).toContain('Monitor rollout');

    const link = new URL(reportLink('https://rollback.example.com', JOB, SIGNING_KEY));
    expect(link.pathname).toBe(`/rollbacks/${JOB}`);
    const signed = await get(exposed, `${link.pathname}${link.search}`);
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('Monitor rollout');
  });

  it('when exposed: the signed link ticks through the page form (its action keeps the signature); without the signature, 401', async () => {
    const job = 'kaizen-mabc1234-tick';
    const { snapshot, plan } = failedRollback(job);
    await new RedisRollbackIndex(redis, keys).record({ ...plan, jobId: job });
    await new RedisProgressStore(redis, keys).publish({ ...snapshot, jobId: job });
    const app = await serve({ token: TOKEN, signingKey: SIGNING_KEY }, SIGNING_KEY);
    try {
      const sig = reportSignature(SIGNING_KEY, job);
      const page = await (await get(app, `/rollbacks/${job}?sig=${sig}`)).text();
      expect(page).toContain(`action="/rollbacks/${job}/checklists?sig=${sig}"`);
      const token = /name="token" value="([0-9a-f]{64})"/.exec(page)?.[1] as string;
      const form = new URLSearchParams({ toggle: 'post-mortem|schedule|1', name: 'Dana', token }).toString();
      const post = (path: string) =>
        fetch(`${base(app)}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
          body: form,
        });
      expect((await post(`/rollbacks/${job}/checklists`)).status).toBe(401);
      // Another rollback's token does not tick this one.
      const otherToken = /name="token" value="([0-9a-f]{64})"/.exec(
        await (await get(app, `/rollbacks/${JOB}?sig=${reportSignature(SIGNING_KEY, JOB)}`)).text(),
      )?.[1] as string;
      expect(otherToken).not.toBe(token);
      const ok = await post(`/rollbacks/${job}/checklists?sig=${sig}`);
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe(`/rollbacks/${job}?sig=${sig}#checklists`);
      const item = (await new RedisProgressStore(redis, keys).get(job))?.checklists[0]?.items[0];
      expect(item).toMatchObject({ done: true, by: { id: 'report:dana', name: 'Dana', source: 'http' } });
      const after = await (await get(app, `/rollbacks/${job}?sig=${sig}`)).text();
      expect(after).toContain('value="post-mortem|schedule|0"');
      expect(after).toMatch(/— Dana at <time/);
    } finally {
      await app.close();
    }
  });

  it('an unknown job is a 404 page that shows the id escaped', async () => {
    const response = await get(local, `/rollbacks/${encodeURIComponent('nope-<b>')}`);
    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).toContain('No such rollback');
    expect(page).not.toContain('<b>');
  });

  it('local mode (neither token nor key) serves this machine only', () => {
    const request = { jobId: JOB, authorization: undefined, sig: undefined };
    expect(checkReportAccess({}, { ...request, remoteAddress: '127.0.0.1' })).toEqual({ ok: true });
    expect(checkReportAccess({}, { ...request, remoteAddress: '::1' })).toEqual({ ok: true });
    // A tunnel or reverse proxy on this machine relays remote requests from 127.0.0.1: not local.
    expect(checkReportAccess({}, { ...request, remoteAddress: '127.0.0.1', forwarded: true })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(checkReportAccess({}, { ...request, remoteAddress: '10.1.2.3' })).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
