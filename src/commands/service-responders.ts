import type { Contact } from '../config/contacts-schema.js';
import type { LinksSection } from '../config/links-schema.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { describeError } from '../errors/rollback-error.js';
import type { Logger } from '../observability/logger.js';
import type { IncidentTracker, OnCallPerson } from '../rollback/ports/incident-tracker.js';

/** Who to call and what to have open for a service: shown in incident announcements and rollback plans. */
export interface ServiceResponders {
  /** Who is on call now for the service's escalation policy (PagerDuty `/oncalls`), level 1 first. */
  oncall?: OnCallPerson[];
  /** Set when the policy is known but PagerDuty did not answer (in time): on-call is unknown. */
  oncallUnknown?: true;
  /** The service's `contacts:` and `links:` (dashboards, runbook) from the catalog. */
  contacts: Contact[];
  links?: LinksSection | undefined;
}

export interface RespondersDeps {
  /** PagerDuty's REST API; absent: on-call is not looked up. */
  tracker?: Pick<IncidentTracker, 'oncallsFor'> | undefined;
  log: Logger;
  /** Longest wait for PagerDuty's answer; absent: no limit of its own. */
  timeoutMs?: number;
}

/** The service's contacts and links, and who is on call for `policy` now. Never throws. */
export async function lookUpResponders(
  deps: RespondersDeps,
  service: ServiceConfig,
  policy: string | undefined = service.pagerduty?.escalationPolicyId,
): Promise<ServiceResponders> {
  const responders: ServiceResponders = { contacts: service.contacts ?? [], links: service.links };
  if (!deps.tracker || !policy) return responders;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    if (deps.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      controller.abort();
      deps.log.warn({ timeoutMs: deps.timeoutMs }, 'PagerDuty did not say who is on call in time');
      resolve(undefined);
    }, deps.timeoutMs);
  });
  const answer = deps.tracker.oncallsFor(policy, controller.signal).catch((error: unknown) => {
    if (!controller.signal.aborted)
      deps.log.warn({ error: describeError(error) }, 'could not read who is on call');
    return undefined;
  });
  const oncall = await Promise.race([answer, timedOut]).finally(() => clearTimeout(timer));
  if (oncall) responders.oncall = oncall;
  else responders.oncallUnknown = true;
  return responders;
}
