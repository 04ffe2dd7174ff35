import type { ServiceResponders } from '../../commands/service-responders.js';
import { section, type Block } from './block-kit.js';
import { userText } from './describe-progress.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';

/** A mrkdwn link that cannot be bent: a URL that is not plain http(s) shows as text only. */
export function link(url: string, text: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return userText(text, 200);
  return `<${url}|${escapeMrkdwn(text).replaceAll('|', '¦')}>`;
}

/** On call now (PagerDuty), the service's contacts, and its dashboards and runbook. */
export function respondersBlocks(briefing: ServiceResponders): Block[] {
  const lines: string[] = [];
  if (briefing.oncall && briefing.oncall.length > 0)
    lines.push(
      `*On call now:* ${briefing.oncall
        .slice(0, 6)
        .map(
          (p) =>
            `${userText(p.name, 60)} (level ${p.level}${p.schedule ? `, ${userText(p.schedule, 60)}` : ''})`,
        )
        .join(', ')}`,
    );
  else if (briefing.oncallUnknown) lines.push('*On call now:* _on-call unknown (PagerDuty did not answer)_');
  if (briefing.contacts.length > 0)
    lines.push(
      `*Contacts:* ${briefing.contacts
        .slice(0, 6)
        .map(
          (c) =>
            `${userText(c.role, 40)}: ${c.slack ? `<@${c.slack}>` : userText(c.name, 60)}${c.phone ? ` ${userText(c.phone, 40)}` : ''}`,
        )
        .join(' · ')}`,
    );
  const links = [
    ...(briefing.links?.dashboards ?? []).slice(0, 6).map((d) => link(d.url, d.title)),
    ...(briefing.links?.runbook ? [link(briefing.links.runbook, 'Runbook')] : []),
  ];
  if (links.length > 0) lines.push(`*Have open:* ${links.join(' · ')}`);
  return lines.length > 0 ? [section(lines.join('\n'))] : [];
}
