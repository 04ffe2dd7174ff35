import type { FastifyInstance } from 'fastify';

/** What every HTML page may not be: framed (clickjacking), sniffed as another type, or told a new base. */
export const BASELINE_PAGE_CSP = "frame-ancestors 'none'; base-uri 'none'";

/**
 * Every HTML answer carries a Content-Security-Policy with `frame-ancestors 'none'` (and X-Frame-Options
 * for older browsers). A page with a stricter policy of its own (console, reports) keeps it; others (the
 * queue dashboard) get the baseline.
 */
export function protectHtmlPages(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !type.toLowerCase().startsWith('text/html')) return payload;
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', BASELINE_PAGE_CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}
