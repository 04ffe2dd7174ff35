import type { ServiceConfig } from './service-schema.js';

export interface PagerDutyServiceIndex {
  /** PagerDuty service id -> catalog service name. */
  byPagerDutyService: ReadonlyMap<string, string>;
  /** One line per PagerDuty service id claimed by more than one catalog service (the catalog is wrong). */
  conflicts: string[];
}

/**
 * Which catalog service a PagerDuty incident is about, from `pagerduty.serviceIds`. An id listed by two
 * services is a conflict: the incident could mean either, so neither gets it.
 */
export function pagerDutyServiceIndex(
  services: readonly Pick<ServiceConfig, 'name' | 'pagerduty'>[],
): PagerDutyServiceIndex {
  const owners = new Map<string, string[]>();
  for (const service of services) {
    for (const id of service.pagerduty?.serviceIds ?? [])
      owners.set(id, [...(owners.get(id) ?? []), service.name]);
  }
  const byPagerDutyService = new Map<string, string>();
  const conflicts: string[] = [];
  for (const [id, names] of owners) {
    if (names.length === 1 && names[0] !== undefined) byPagerDutyService.set(id, names[0]);
    else
      conflicts.push(
        `PagerDuty service ${id} is listed by ${names.join(' and ')}: list it in one service only`,
      );
  }
  return { byPagerDutyService, conflicts };
}
