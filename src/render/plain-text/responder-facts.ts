import type { ServiceResponders } from '../../commands/service-responders.js';

/**
 * On call now (PagerDuty), contacts, dashboards and runbook as [name, value] facts, for the terminal and
 * console plans (the Slack plan draws the same with links). Values are raw: each renderer escapes them.
 */
export function responderFacts(r: ServiceResponders): [string, string][] {
  const facts: [string, string][] = [];
  if (r.oncall && r.oncall.length > 0)
    facts.push([
      'On call now',
      r.oncall
        .slice(0, 6)
        .map((p) => `${p.name} (level ${p.level}${p.schedule ? `, ${p.schedule}` : ''})`)
        .join(', '),
    ]);
  else if (r.oncallUnknown) facts.push(['On call now', 'on-call unknown (PagerDuty did not answer)']);
  for (const c of r.contacts.slice(0, 6))
    facts.push(['Contact', `${c.role}: ${c.name}${c.phone ? ` ${c.phone}` : ''}`]);
  for (const d of (r.links?.dashboards ?? []).slice(0, 6)) facts.push(['Dashboard', `${d.title} ${d.url}`]);
  if (r.links?.runbook) facts.push(['Runbook', r.links.runbook]);
  return facts;
}
