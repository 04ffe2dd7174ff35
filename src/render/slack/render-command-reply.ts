import type { CommandReply } from '../../commands/command-reply.js';
import { HELP_TEXT } from '../../commands/help-text.js';
import { LIMITS, section, type Block, type SlackMessage } from './block-kit.js';
import { renderError } from './render-error.js';
import { renderHelp } from './render-help.js';
import { renderJobStatus } from './render-job-status.js';
import { renderPlan } from './render-plan.js';
import { respondersBlocks } from './render-responders.js';
import { renderVersions } from './render-versions.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { tryCommands } from './try-commands.js';

/** Draws the neutral answer to a command as an ephemeral Slack message. */
export function renderCommandReply(
  reply: CommandReply,
  options: { reportUrl?: (jobId: string) => string | undefined } = {},
): SlackMessage {
  switch (reply.kind) {
    case 'plan': {
      const reportUrl = options.reportUrl?.(reply.plan.jobId);
      return renderPlan(reply.plan, {
        ...(reportUrl ? { reportUrl } : {}),
        ...(reply.awaitingApproval ? { approval: reply.awaitingApproval } : {}),
        ...(reply.responders ? { responders: reply.responders } : {}),
      });
    }
    case 'error':
      return renderError(reply.error);
    case 'help':
      return renderHelp(HELP_TEXT);
    case 'versions':
      return renderVersions(reply.service, reply.entries, reply.notes);
    case 'status':
      return renderJobStatus(reply.snapshot);
    case 'recent': {
      if (reply.snapshots.length === 0) {
        const text = `${reply.title}: none yet.`;
        return { text, blocks: [section(escapeMrkdwn(text))] };
      }
      const blocks: Block[] = [section(`*${escapeMrkdwn(reply.title)}*`)];
      for (const snapshot of reply.snapshots) {
        const rendered = renderJobStatus(snapshot);
        if (blocks.length + rendered.blocks.length > LIMITS.blocksPerMessage) break;
        blocks.push(...rendered.blocks);
      }
      return { text: `${reply.title}: ${reply.snapshots.length}`, blocks };
    }
    case 'notice': {
      const next = reply.next && reply.next.length > 0 ? `\n${tryCommands(reply.next)}` : '';
      return {
        text: reply.text,
        blocks: [
          section(`${escapeMrkdwn(reply.text)}${next}`),
          ...(reply.responders ? respondersBlocks(reply.responders) : []),
        ],
      };
    }
  }
}
