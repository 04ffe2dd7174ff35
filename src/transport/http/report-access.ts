import { createHash, timingSafeEqual } from 'node:crypto';
import { reportSignature } from './report-link.js';

export interface ReportAccessConfig {
  /** Accept `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Accept `?sig=<hex HMAC-SHA256(key, jobId)>`. */
  signingKey?: string | undefined;
}

export interface ReportRequest {
  jobId: string;
  authorization: string | undefined;
  sig: string | undefined;
  remoteAddress: string | undefined;
  /** Set when a proxy relayed the request (X-Forwarded-For, Forwarded, X-Real-IP): then it is not local. */
  forwarded?: boolean;
}

export type ReportAccess = { ok: true } | { ok: false; status: 401 | 403; message: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read a report page. With a token or a signing key configured, a request needs a matching bearer
 * token or link signature (compared in constant time). With neither (local mode), only this machine may.
 */
export function checkReportAccess(config: ReportAccessConfig, request: ReportRequest): ReportAccess {
  const { token, signingKey } = config;
  if (token === undefined && signingKey === undefined) {
    return request.remoteAddress !== undefined && LOOPBACK.has(request.remoteAddress) && !request.forwarded
      ? { ok: true }
      : {
          ok: false,
          status: 403,
          message:
            'Report pages are served to localhost only until REPORT_TOKEN or REPORT_SIGNING_KEY is set.',
        };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
  if (token !== undefined && bearer !== undefined && sameSecret(bearer, token)) return { ok: true };
  const sig = request.sig;
  if (signingKey !== undefined && sig !== undefined && /^[0-9a-f]{64}$/i.test(sig)) {
    const expected = Buffer.from(reportSignature(signingKey, request.jobId), 'hex');
    if (timingSafeEqual(Buffer.from(sig, 'hex'), expected)) return { ok: true };
  }
  return { ok: false, status: 401, message: 'This report needs a valid bearer token or a signed link.' };
}

/** Constant-time equality of two secrets of any length (compares their SHA-256 digests). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
