import { createHmac } from 'node:crypto';

/** hex HMAC-SHA256(key, jobId): the `sig` of a signed report link. */
export function reportSignature(signingKey: string, jobId: string): string {
  return createHmac('sha256', signingKey).update(jobId, 'utf8').digest('hex');
}

/** `<publicUrl>/rollbacks/<jobId>`, with `?sig=` when a signing key is set, so the link opens the page. */
export function reportLink(publicUrl: string, jobId: string, signingKey?: string): string {
  const url = new URL(
    `rollbacks/${encodeURIComponent(jobId)}`,
    publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`,
  );
  if (signingKey !== undefined) url.searchParams.set('sig', reportSignature(signingKey, jobId));
  return url.toString();
}

/** The report link of each rollback under PUBLIC_URL (signed when a key is set); none without PUBLIC_URL. */
export function reportLinks(
  publicUrl: string | undefined,
  signingKey?: string,
): (jobId: string) => string | undefined {
  return (jobId) => (publicUrl ? reportLink(publicUrl, jobId, signingKey) : undefined);
}

/**
 * Report links for the local console: as {@link reportLinks}, and without PUBLIC_URL the relative path
 * (report pages answer localhost without a token).
 */
export function consoleReportLinks(
  publicUrl: string | undefined,
  signingKey?: string,
): (jobId: string) => string {
  const links = reportLinks(publicUrl, signingKey);
  return (jobId) => links(jobId) ?? `/rollbacks/${encodeURIComponent(jobId)}`;
}
