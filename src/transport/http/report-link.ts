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
