import { DEFAULT_SITE } from '../config/service-schema.js';

export { DEFAULT_SITE };

/**
 * One BullMQ queue per site, so a worker only ever takes the jobs of the sites it serves. The default
 * site keeps the name the single queue always had (`rollbacks`), so jobs queued before sites existed still
 * run. Site names never hold a colon (service-schema SITE_PATTERN), and the hash tag is in the prefix
 * (`{prefix}:bull` in Redis Cluster), so every queue's keys share one slot like the rest.
 */
export function rollbackQueueName(site: string = DEFAULT_SITE): string {
  return site === DEFAULT_SITE ? 'rollbacks' : `rollbacks-${site}`;
}

/** The queue of planning requests (plan, dry run, versions) answered by a worker of the site. */
export function planQueueName(site: string = DEFAULT_SITE): string {
  return site === DEFAULT_SITE ? 'plans' : `plans-${site}`;
}

/** The site a plan runs in: its own, or the default one for plans accepted before sites existed. */
export function siteOf(plan: { site?: string | undefined }): string {
  return plan.site ?? DEFAULT_SITE;
}

/** Sites named once each, default first when present, then in order of appearance. */
export function distinctSites(sites: Iterable<string>): string[] {
  const seen = [...new Set(sites)];
  return seen.includes(DEFAULT_SITE) ? [DEFAULT_SITE, ...seen.filter((s) => s !== DEFAULT_SITE)] : seen;
}

/** `WORKER_SITES`-style lists: comma-separated, blanks ignored, duplicates dropped. */
export function parseSiteList(text: string | undefined): string[] {
  return distinctSites(
    (text ?? '')
      .split(',')
      .map((site) => site.trim())
      .filter((site) => site !== ''),
  );
}
