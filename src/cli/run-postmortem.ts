import { buildPostmortem } from '../evidence/postmortem/build-postmortem.js';
import { OutboxKeys } from '../outbox/outbox-keys.js';
import { RedisNotificationTimeline } from '../outbox/redis-notification-timeline.js';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { cliLogger, openCore } from './open-core.js';

/**
 * `rollback-bot postmortem <job>`: the post-mortem draft of a rollback in Markdown on stdout (timeline from the
 * audit log and the notification outbox, versions, evidence and its diff, checklists, notifications sent and
 * waiting; root cause and follow-up left empty). Redacted.
 */
export async function runPostmortem(jobId: string, context: CliContext): Promise<ExitCode> {
  const config = context.config();
  const core = await openCore(config, cliLogger(config));
  try {
    const draft = await buildPostmortem(
      {
        progress: core.progress,
        audit: core.audit,
        plans: core.index,
        ...(core.evidence ? { store: core.evidence.store } : {}),
        notifications: {
          timeline: (job) =>
            new RedisNotificationTimeline(core.redis, new OutboxKeys(core.keys.prefix)).read(job),
        },
      },
      jobId,
    );
    if (draft === undefined) {
      context.io.err(`✖ No rollback with id "${jobId}".\n  Hint: rollback-bot status lists the recent ones.`);
      return EXIT.refused;
    }
    context.io.out(draft.trimEnd());
    return EXIT.ok;
  } finally {
    await core.close();
  }
}
