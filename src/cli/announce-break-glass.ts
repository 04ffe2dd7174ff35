import { webApi } from '@slack/bolt';
import type { AppConfig } from '../main/app-config.js';
import { escapeMrkdwn, inlineCode, mrkdwnLink } from '../render/slack/escape-mrkdwn.js';
import type { RollbackPlan } from '../rollback/plan.js';

export type AnnounceResult = { ok: true; channel: string } | { ok: false; channel: string; error: string };

/** The channel message for a break-glass rollback: who, what, why, and that approvals were skipped. */
export function breakGlassNotice(plan: RollbackPlan, reportUrl: string | undefined): string {
  const who = escapeMrkdwn(plan.request.requester.name);
  const lines = [
    `:rotating_light: *Break-glass rollback* of *${escapeMrkdwn(plan.service)}* (${escapeMrkdwn(plan.environment)}) started from the CLI by ${who}: approvals were skipped.`,
    `${escapeMrkdwn(plan.from)} → ${escapeMrkdwn(plan.to)} · job ${inlineCode(plan.jobId)}`,
    `Reason: ${escapeMrkdwn(plan.request.reason ?? '(none)')}`,
  ];
  if (reportUrl !== undefined) lines.push(mrkdwnLink(reportUrl, 'Open the report'));
  return lines.join('\n');
}

/**
 * Posts the break-glass notice in the service's channel with the Web API. Never throws: the rollback is
 * already queued, so a Slack failure is only reported back to the person at the terminal.
 */
export async function announceBreakGlass(
  slack: NonNullable<AppConfig['slack']>,
  channel: string,
  plan: RollbackPlan,
  reportUrl: string | undefined,
): Promise<AnnounceResult> {
  const client = new webApi.WebClient(slack.botToken, {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 },
    timeout: 5_000,
    logLevel: webApi.LogLevel.ERROR,
  });
  try {
    await client.chat.postMessage({ channel, text: breakGlassNotice(plan, reportUrl), unfurl_links: false });
    return { ok: true, channel };
  } catch (error) {
    const slackError = (error as { data?: { error?: string } }).data?.error;
    return {
      ok: false,
      channel,
      error: slackError ?? (error instanceof Error ? error.message : String(error)),
    };
  }
}
