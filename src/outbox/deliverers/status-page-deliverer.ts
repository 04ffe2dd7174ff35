import { PermanentError } from '../../errors/rollback-error.js';
import type { StatusPageClient } from '../../targets/status-page/status-page-client.js';
import type { Deliverer } from '../deliverer.js';

/**
 * Status-page updates; the URL and component are looked up in the catalog at delivery time (the URL may
 * hold a secret, so it is never stored with the notification).
 */
export function statusPageDeliverer(
  client: StatusPageClient,
  statusPageOf: (service: string) => { url: string; component: string } | undefined,
): Deliverer<'status-page'> {
  return async (payload, { signal }) => {
    const target = statusPageOf(payload.service);
    if (!target)
      throw new PermanentError(
        'status_page_not_configured',
        `${payload.service} has no notify.statusPage in its YAML.`,
      );
    await client.post(
      target.url,
      {
        component: target.component,
        status: payload.status,
        message: payload.message,
        ...(payload.incident ? { incident: payload.incident } : {}),
      },
      signal,
    );
  };
}
