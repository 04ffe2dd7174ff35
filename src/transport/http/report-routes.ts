import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildPostmortem } from '../../evidence/postmortem/build-postmortem.js';
import type { EvidenceStore } from '../../evidence/evidence-store.js';
import type { ProgressSnapshot } from '../../rollback/progress-snapshot.js';
import { checkJobId } from '../../commands/validate-arguments.js';
import type { Logger } from '../../observability/logger.js';
import { renderMessagePage, renderReportPage } from '../../render/html/render-report-page.js';
import type { AuditEntry, AuditLog } from '../../rollback/ports/audit-log.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { NotificationOutbox, NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
import type { ChecklistService } from '../../rollback/checklist-service.js';
import { InputError } from '../../errors/rollback-error.js';
import {
  CHECKLIST_FORM_MAX_BYTES,
  ChecklistFormError,
  checklistFormToken,
  parseFormBody,
  readChecklistForm,
} from './checklist-form.js';
import { checkReportAccess, type ReportAccessConfig } from './report-access.js';

export interface ReportRoutesOptions {
  progress: ProgressStore;
  index: RollbackIndex;
  audit?: AuditLog;
  catalog?: ServiceCatalog;
  access: ReportAccessConfig;
  /** The notification outbox's timeline of each rollback (shown as "Notifications"). */
  notifications?: Pick<NotificationOutbox, 'timeline'>;
  log: Logger;
  /** Where the rollback's evidence bundles are kept (absent: they are listed, not served). */
  evidence?: EvidenceStore;
  /**
   * Ticking from the page: the checklist service and the key of the form's token (any secret of this
   * installation's web processes). Without both the checklists are shown read-only.
   */
  ticking?: { checklists: Pick<ChecklistService, 'set'>; formKey: string };
}

const DOWNLOAD_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; sandbox",
};

/** Headers for every report response: no script, no framing, no referrer (a signed link stays private). */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

type ReportRequest = FastifyRequest<{ Params: { jobId: string }; Querystring: { sig?: string } }>;

/**
 * `GET /rollbacks/:jobId`: the report page of one rollback, for createHttpServer's `plugins`; with the same
 * access rules, `/rollbacks/:jobId/evidence/:n` serves its n-th evidence bundle and
 * `/rollbacks/:jobId/postmortem.md` its post-mortem draft.
 */
export function reportRoutes(options: ReportRoutesOptions): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/rollbacks/:jobId', async (request: ReportRequest, reply) => {
      const snapshot = await allowedSnapshot(options, request, reply);
      if (!snapshot) return reply;
      const { jobId } = snapshot;
      const [plan, audit, notifications] = await Promise.all([
        options.index.plan(jobId),
        readAudit(options, jobId),
        readTimeline(options, jobId),
      ]);
      const approvalsRequired = options.catalog?.get(snapshot.service)?.approval.required;
      const query = signedQuery(request);
      const page = renderReportPage({
        snapshot,
        audit,
        ...(plan ? { plan } : {}),
        ...(approvalsRequired === undefined ? {} : { approvalsRequired }),
        ...(notifications ? { notifications } : {}),
        links: {
          bundle: (i) => `/rollbacks/${encodeURIComponent(jobId)}/evidence/${i}${query}`,
          postmortem: `/rollbacks/${encodeURIComponent(jobId)}/postmortem.md${query}`,
        },
        ...(options.ticking
          ? {
              checklistForm: {
                action: `/rollbacks/${encodeURIComponent(jobId)}/checklists${query}`,
                token: checklistFormToken(options.ticking.formKey, jobId),
              },
            }
          : {}),
      });
      return send(reply, 200, page);
    });

    if (options.ticking) checklistRoute(app, options, options.ticking);

    app.get(
      '/rollbacks/:jobId/evidence/:index',
      async (request: FastifyRequest<{ Params: { jobId: string; index: string } }>, reply) => {
        const snapshot = await allowedSnapshot(options, request as unknown as ReportRequest, reply);
        if (!snapshot) return reply;
        const ref = /^\d{1,3}$/.test(request.params.index)
          ? snapshot.evidence?.[Number(request.params.index)]
          : undefined;
        const data = ref ? await options.evidence?.get(ref.id) : undefined;
        if (!ref || !data)
          return send(reply, 404, renderMessagePage('No such bundle', 'This bundle is not kept (any more).'));
        const name = `${ref.id.replace('/', '_')}.tar.gz`;
        return reply
          .code(200)
          .headers({ ...DOWNLOAD_HEADERS, 'content-type': 'application/gzip' })
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Buffer.from(data));
      },
    );

    app.get('/rollbacks/:jobId/postmortem.md', async (request: ReportRequest, reply) => {
      const snapshot = await allowedSnapshot(options, request, reply);
      if (!snapshot) return reply;
      const draft = await buildPostmortem(
        {
          progress: options.progress,
          plans: options.index,
          ...(options.audit ? { audit: options.audit } : {}),
          ...(options.evidence ? { store: options.evidence } : {}),
          ...(options.notifications ? { notifications: options.notifications } : {}),
        },
        snapshot.jobId,
      );
      return reply
        .code(200)
        .headers({ ...DOWNLOAD_HEADERS, 'content-type': 'text/markdown; charset=utf-8' })
        .send(draft ?? '');
    });
  };
}

/**
 * `POST /rollbacks/:jobId/checklists`: the page's checklist form (see checklist-form.ts): same access as the
 * page, the form's token, then the checklist service (who and when, audited; every surface redraws); back
 * to the page's checklists with 303.
 */
function checklistRoute(
  app: FastifyInstance,
  options: ReportRoutesOptions,
  ticking: NonNullable<ReportRoutesOptions['ticking']>,
): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: CHECKLIST_FORM_MAX_BYTES },
    (_request, body, done) => done(null, parseFormBody(String(body))),
  );
  app.post('/rollbacks/:jobId/checklists', async (request: ReportRequest, reply) => {
    const snapshot = await allowedSnapshot(options, request, reply);
    if (!snapshot) return reply;
    try {
      const tick = readChecklistForm(ticking.formKey, snapshot.jobId, request.body);
      await ticking.checklists.set(tick);
    } catch (error) {
      if (error instanceof ChecklistFormError)
        return send(reply, error.status, renderMessagePage('Not ticked', error.message));
      if (error instanceof InputError) {
        const status = error.code === 'rollback_in_progress' ? 409 : 400;
        return send(reply, status, renderMessagePage('Not ticked', error.message));
      }
      throw error;
    }
    const page = `/rollbacks/${encodeURIComponent(snapshot.jobId)}${signedQuery(request)}#checklists`;
    return reply.code(303).headers({ 'cache-control': 'no-store' }).header('location', page).send();
  });
}

/** The rollback's snapshot when the request may see it; otherwise the refusal (or 404) is sent and undefined returned. */
async function allowedSnapshot(
  options: ReportRoutesOptions,
  request: ReportRequest,
  reply: FastifyReply,
): Promise<ProgressSnapshot | undefined> {
  const { jobId } = request.params;
  const access = checkReportAccess(options.access, {
    jobId,
    authorization: request.headers.authorization,
    sig: signature(request),
    remoteAddress: request.socket.remoteAddress,
    forwarded:
      request.headers['x-forwarded-for'] !== undefined ||
      request.headers.forwarded !== undefined ||
      request.headers['x-real-ip'] !== undefined,
  });
  if (!access.ok) {
    if (access.status === 401) reply.header('www-authenticate', 'Bearer realm="rollback reports"');
    send(
      reply,
      access.status,
      renderMessagePage(access.status === 401 ? 'Unauthorized' : 'Forbidden', access.message),
    );
    return undefined;
  }
  const snapshot = checkJobId(jobId) === undefined ? await options.progress.get(jobId) : undefined;
  if (!snapshot) {
    send(
      reply,
      404,
      renderMessagePage('No such rollback', `No rollback with id "${jobId}" (reports are kept 30 days).`),
    );
  }
  return snapshot;
}

function signature(request: ReportRequest): string | undefined {
  return typeof request.query.sig === 'string' ? request.query.sig : undefined;
}

/** The page's signed-link query, carried by its links so they open with the same access. */
function signedQuery(request: ReportRequest): string {
  const sig = signature(request);
  return sig === undefined ? '' : `?sig=${encodeURIComponent(sig)}`;
}

/** The audit trail is an extra: a report is still shown (without it) when the log cannot be read. */
async function readAudit(options: ReportRoutesOptions, jobId: string): Promise<AuditEntry[]> {
  if (!options.audit) return [];
  try {
    return await options.audit.list({ jobId, limit: 200 });
  } catch (error) {
    options.log.warn({ err: error, jobId }, 'could not read the audit trail for a report');
    return [];
  }
}

/** Like the audit trail, the notifications are an extra: absent when they cannot be read. */
async function readTimeline(
  options: ReportRoutesOptions,
  jobId: string,
): Promise<NotificationTimeline | undefined> {
  try {
    return await options.notifications?.timeline(jobId);
  } catch (error) {
    options.log.warn({ err: error, jobId }, 'could not read the notifications for a report');
    return undefined;
  }
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body);
}
