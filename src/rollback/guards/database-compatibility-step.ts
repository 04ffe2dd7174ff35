import type { DatabaseCompatibilityGuard } from '../../config/service-schema.js';
import { CancelledError } from '../../errors/rollback-error.js';
import type { CommandRunner } from '../ports/command-runner.js';
import type { RollbackStep, StepContext } from '../step.js';
import { checkHealth } from '../verify/check-health.js';
import { GuardRefusedError } from './guard-refused-error.js';

export const DATABASE_GUARD_STEP = { id: 'guard-database', title: 'Check database compatibility' } as const;

/** The runbook's "Database Incompatibility" advice, shown when the guard refuses. */
export const DATABASE_INCOMPATIBLE_HINT =
  'Runbook, Database Incompatibility: do NOT proceed with the rollback. Apply a forward-only migration strategy ' +
  '(fix forward), or consider a data-only rollback with forward-compatible code. Nothing was changed.';

function tail(text: string, lines = 5): string {
  return text.split('\n').filter(Boolean).slice(-lines).join('\n').slice(0, 500);
}

async function checkWithCommand(
  guard: Extract<DatabaseCompatibilityGuard, { command: string[] }>,
  runner: CommandRunner,
  ctx: StepContext,
): Promise<string> {
  const shown = guard.command.join(' ');
  const result = await runner.run(guard.command, {
    timeoutMs: guard.timeout * 1000,
    signal: ctx.signal,
    ...(guard.cwd === undefined ? {} : { cwd: guard.cwd }),
  });
  if (ctx.signal.aborted) throw new CancelledError();
  const output = tail(`${result.stdout}\n${result.stderr}`);
  await ctx.detail(
    `Database compatibility check \`${shown}\`: exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}${output ? `\n${output}` : ''}`,
  );
  if (result.timedOut) {
    throw new GuardRefusedError(
      'database_check_timeout',
      `The database compatibility check \`${shown}\` did not answer within ${guard.timeout} s, so compatibility is not confirmed.`,
      {
        hint: DATABASE_INCOMPATIBLE_HINT,
      },
    );
  }
  if (result.exitCode !== 0) {
    throw new GuardRefusedError(
      'database_incompatible',
      `The database schema is incompatible with the target version: \`${shown}\` exited with ${result.exitCode}.`,
      {
        hint: DATABASE_INCOMPATIBLE_HINT,
        ...(output ? { details: [output] } : {}),
      },
    );
  }
  return `compatible (\`${shown}\` exited 0)`;
}

async function checkWithUrl(
  guard: Extract<DatabaseCompatibilityGuard, { url: string }>,
  ctx: StepContext,
): Promise<string> {
  const result = await checkHealth(guard.url, guard.expectStatus, {
    timeoutMs: guard.timeout * 1000,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new CancelledError();
  await ctx.detail(
    `Database compatibility check ${result.url}: ${result.status ?? 'no answer'} (expected ${guard.expectStatus})${result.ok ? '' : `: ${result.body.slice(0, 200)}`}`,
  );
  if (result.status === undefined) {
    throw new GuardRefusedError(
      'database_check_unavailable',
      `The database compatibility check ${guard.url} did not answer (${result.body.slice(0, 200)}), so compatibility is not confirmed.`,
      {
        hint: DATABASE_INCOMPATIBLE_HINT,
      },
    );
  }
  if (!result.ok) {
    throw new GuardRefusedError(
      'database_incompatible',
      `The database schema is incompatible with the target version: ${guard.url} answered ${result.status}, expected ${guard.expectStatus}.`,
      {
        hint: DATABASE_INCOMPATIBLE_HINT,
      },
    );
  }
  return `compatible (${result.status})`;
}

/**
 * Runs before anything changes. A check that says "incompatible", or that cannot say anything (timeout,
 * no answer), refuses: the runbook says not to proceed without knowing. Reads only, so it may be interrupted.
 */
export function databaseCompatibilityStep(
  guard: DatabaseCompatibilityGuard,
  runner: CommandRunner,
): RollbackStep {
  return {
    ...DATABASE_GUARD_STEP,
    interruptible: true,
    async run(ctx) {
      const summary =
        'command' in guard ? await checkWithCommand(guard, runner, ctx) : await checkWithUrl(guard, ctx);
      await ctx.summary(summary);
      return { summary };
    },
  };
}
