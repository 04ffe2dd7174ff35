import { z } from 'zod';
import { redactUrlCredentials } from '../../../config/git-remote-url.js';
import { CancelledError, describeError } from '../../../errors/rollback-error.js';
import type { GitopsHolds } from '../../ports/gitops-holds.js';
import type { PullRequestHost } from '../../ports/pull-request-host.js';
import type { RollbackStep, StepContext } from '../../step.js';
import type { GitopsMirror } from './gitops-mirror.js';
import { describeCommit, type PlannedRevert } from './plan-git-revert.js';
import { pushRevertBranch } from './push-revert-branch.js';

const MEMORY_KEY = 'gitops/revert-pr';
const openedSchema = z.object({ url: z.string(), number: z.number() });

export interface RevertPullRequestDeps {
  mirror: GitopsMirror;
  host: PullRequestHost;
  settings: { owner: string; repo: string };
  revert: PlannedRevert;
  /** Where the hold is recorded: the pull request's link is added to it for the status. */
  holds?: GitopsHolds;
}

/**
 * The Git side of the hold, once the rollback is done: a branch `rollback-bot/revert-<job>` with `git
 * revert` of the planned commits is pushed to the GitOps repository and the pull request opened on the Git
 * host, linked in the thread and the status. A Git host that cannot be reached (or refuses) is said
 * plainly, with the commits to revert by hand: it never fails the rollback, which stands.
 */
export function revertPullRequestStep(deps: RevertPullRequestDeps): RollbackStep {
  const { revert } = deps;
  return {
    id: 'revert-pr',
    title: 'Open the revert pull request in Git',
    async run(ctx) {
      if (ctx.plan.request.dryRun) return { skipped: true, summary: 'dry run: nothing opened' };
      const done = await ctx.memory.get(MEMORY_KEY, openedSchema);
      if (done) return { skipped: true, summary: `revert PR #${done.number}: ${done.url}` };
      try {
        const opened = await open(deps, ctx);
        await ctx.memory.set(MEMORY_KEY, { url: opened.url, number: opened.number });
        await linkInHold(deps.holds, ctx.plan.service, opened.url);
        await ctx.detail(
          `${opened.existing ? 'Revert pull request already open' : 'Revert pull request opened'}: ${opened.url} ` +
            `(reverts ${revert.commits.map(describeCommit).join('; ')}). Merge it before /rollback release, ` +
            'or the CD system puts the bad version back when the hold ends.',
        );
        const summary = `revert PR #${opened.number}: ${opened.url}`;
        await ctx.summary(summary);
        return { summary };
      } catch (error) {
        if (error instanceof CancelledError || ctx.signal.aborted) throw error;
        const { message } = describeError(error);
        await ctx.detail(
          `The revert pull request was not opened: ${message} The rollback stands. Revert in Git by hand: ` +
            `git revert ${revert.commits.map((c) => c.short).join(' ')} on ${revert.branch} of ` +
            `${redactUrlCredentials(revert.repo)}, or the CD system puts the bad version back when the hold ends.`,
        );
        const summary = 'revert PR not opened (see thread)';
        await ctx.summary(summary);
        return { summary };
      }
    },
  };
}

async function open(deps: RevertPullRequestDeps, ctx: StepContext) {
  const { revert, settings } = deps;
  const head = `rollback-bot/revert-${ctx.plan.jobId}`;
  await pushRevertBranch(deps.mirror, revert, head, `Rollback-Job: ${ctx.plan.jobId}`, ctx.signal);
  const shorts = revert.commits.map((c) => c.short).join(', ');
  return deps.host.open(
    {
      owner: settings.owner,
      repo: settings.repo,
      head,
      base: revert.branch,
      title: `Revert ${ctx.plan.service} to ${ctx.plan.to} (rollback ${ctx.plan.jobId})`,
      body: [
        `${ctx.plan.service} was rolled back from ${ctx.plan.from} to ${ctx.plan.to} by ${ctx.plan.request.requester.name} (job ${ctx.plan.jobId}${ctx.plan.request.reason ? `: ${ctx.plan.request.reason}` : ''}).`,
        '',
        `This reverts ${shorts} in \`${revert.path}\`, so that Git declares what runs now.`,
        'Merge it before `/rollback release`: once the CD system syncs again, it applies what Git says.',
        '',
        ...revert.commits.map((c) => `- ${describeCommit(c)}`),
      ].join('\n'),
    },
    ctx.signal,
  );
}

async function linkInHold(holds: GitopsHolds | undefined, service: string, url: string): Promise<void> {
  const hold = await holds?.get(service);
  if (!holds || !hold) return;
  await holds.set({ ...hold, revert: { commits: hold.revert?.commits ?? [], pullRequest: url } });
}
