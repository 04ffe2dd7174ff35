import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkJobId } from '../../commands/validate-arguments.js';
import type { Logger } from '../../observability/logger.js';
import { renderMessagePage, renderReportPage } from '../../render/html/render-report-page.js';
import type { AuditEntry, AuditLog } from '../../rollback/ports/audit-log.js';
import type { ProgressStore } from '../../rollback/ports/progress-store.js';
import type { NotificationOutbox, NotificationTimeline } from '../../rollback/ports/notification-outbox.js';
import type { RollbackIndex } from '../../rollback/ports/rollback-queue.js';
import type { ServiceCatalog } from '../../rollback/service-catalog.js';
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
}

/** Headers for every report response: no script, no framing, no referrer (a signed link stays private). */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** `GET /rollbacks/:jobId`: the report page of one rollback, for createHttpServer's `plugins`. */
export function reportRoutes(options: ReportRoutesOptions): (app: FastifyInstance) => void {
  return (app) => {
    app.get<{ Params: { jobId: string }; Querystring: { sig?: string } }>(
      '/rollbacks/:jobId',
      async (request, reply) => {
        const { jobId } = request.params;
        const sig = typeof request.query.sig === 'string' ? request.query.sig : undefined;
        const access = checkReportAccess(options.access, {
          jobId,
          authorization: request.headers.authorization,
          sig,
          remoteAddress: request.socket.remoteAddress,
          forwarded:
            request.headers['x-forwarded-for'] !== undefined ||
            request.headers.forwarded !== undefined ||
            request.headers['x-real-ip'] !== undefined,
        });
        if (!access.ok) {
          if (access.status === 401) reply.header('www-authenticate', 'Bearer realm="rollback reports"');
          return send(
            reply,
            access.status,
            renderMessagePage(access.status === 401 ? 'Unauthorized' : 'Forbidden', access.message),
          );
        }
        const snapshot = checkJobId(jobId) === undefined ? await options.progress.get(jobId) : undefined;
        if (!snapshot)
          return send(
            reply,
            404,
            renderMessagePage(
              'No such rollback',
              `No rollback with id "${jobId}" (reports are kept 30 days).`,
            ),
          );
        const [plan, audit, notifications] = await Promise.all([
          options.index.plan(jobId),
          readAudit(options, jobId),
          readTimeline(options, jobId),
        ]);
        const approvalsRequired = options.catalog?.get(snapshot.service)?.approval.required;
        const page = renderReportPage({
          snapshot,
          audit,
          ...(plan ? { plan } : {}),
          ...(approvalsRequired === undefined ? {} : { approvalsRequired }),
          ...(notifications ? { notifications } : {}),
        });
        return send(reply, 200, page);
      },
    );
  };
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
