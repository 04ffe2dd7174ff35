import { z } from 'zod';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { HostSpec } from '../../ports/command-runner.js';
import type { RollbackStep, StepContext } from '../../step.js';
import { checkHealth } from '../../verify/check-health.js';
import { lastLines, runSmokeTest } from '../../verify/run-smoke-test.js';
import { findJournalErrors } from './find-journal-errors.js';
import { forEachHost } from './for-each-host.js';
import { hostShell, type HostShell, type HostStepDeps } from './host-shell.js';
import { journalArgv, statusArgv } from './systemctl-argv.js';
import { readUnitState } from './read-unit-state.js';
import { unitStartedAtKey } from './unit-action-step.js';
import { runMonitoringChecks } from '../../verify/run-monitoring-checks.js';

export interface HostVerifyStepOptions {
  id?: string;
  title?: string;
  /** Checked with systemctl and journalctl on every host; omitted: only health URL and smoke test. */
  unit?: string;
  sudo?: boolean;
  hosts: readonly HostSpec[];
  parallel: number;
  deps: HostStepDeps;
  /** Where the rollback stands if verification fails ("v0.7.0 is checked out on all hosts"). */
  situation?: string;
}

/**
 * The runbook's "After Rollback": on each host `systemctl is-active` and `systemctl status --no-pager`,
 * `journalctl -u <unit> -n 20 --no-pager` (lines matching `verify.logErrorPattern`, default /error|fail/i,
 * fail the step), then the service's health URL and smoke test (run on the worker), then its alert and
 * metric checks (`verify.alerts`, `verify.metrics`, as for Kubernetes). All checks run; the step fails
 * once at the end with every problem as a detail.
 */
export function createHostVerifyStep(options: HostVerifyStepOptions): RollbackStep {
  return {
    id: options.id ?? 'verify',
    title: options.title ?? 'Verify the service',
    async run(ctx) {
      const problems: string[] = [];
      const passed: string[] = [];
      const { unit } = options;
      if (unit !== undefined) {
        await forEachHost(
          options.hosts,
          options.parallel,
          async (host) => {
            const shell = hostShell(options.deps, host, ctx.signal);
            problems.push(...(await checkUnit(ctx, shell, unit, options.sudo)));
          },
          ctx.signal,
        );
        passed.push(`${unit} checked on ${options.hosts.length} host(s)`);
      }
      const verify = ctx.service.verify;
      if (verify.healthUrl !== undefined) {
        const health = await checkHealthWithRetries(ctx, verify.healthUrl, verify.expectStatus, options);
        if (health === undefined) passed.push(`health ${verify.expectStatus}`);
        else problems.push(health);
      }
      if (verify.smoke !== undefined) {
        const smoke = await runSmokeTest(options.deps.runners({ name: 'local' }), verify.smoke, ctx.signal);
        await ctx.detail(`smoke test ${smoke.ok ? 'passed' : 'failed'}:\n${smoke.tail}`);
        if (smoke.ok) passed.push('smoke test');
        else
          problems.push(
            `smoke test failed (exit ${smoke.result.exitCode}${smoke.result.timedOut ? ', timed out' : ''})`,
          );
      }
      const monitoring = await runMonitoringChecks(options.deps.monitoring, verify, ctx.signal);
      for (const line of monitoring.details) await ctx.detail(line);
      passed.push(...monitoring.parts);
      problems.push(...monitoring.failures);
      if (problems.length > 0) {
        throw new PermanentError(
          'verify_failed',
          `verification failed: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`,
          {
            details: problems,
            hint: `${options.situation ?? 'The rollback itself is done.'} Look at the details, then decide whether to fix forward or roll back further.`,
          },
        );
      }
      if (passed.length === 0)
        return { skipped: true, summary: 'nothing to verify (no unit, healthUrl or smoke test)' };
      return { summary: passed.join(', ') };
    },
  };
}

async function checkUnit(
  ctx: StepContext,
  shell: HostShell,
  unit: string,
  sudo: boolean | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  const state = await readUnitState(shell, unit);
  const status = await shell.probe(statusArgv(unit));
  const statusText = lastLines(`${status.stdout}\n${status.stderr}`.trim(), 12);
  await ctx.detail(`${shell.host}: ${unit} is ${state}\n${statusText}`);
  if (state !== 'active') problems.push(`${shell.host}: ${unit} is ${state}, not active`);

  const since = await ctx.memory.get(unitStartedAtKey(shell.host), z.number());
  const journal = await shell.probe(journalArgv(unit, sudo, since));
  if (journal.exitCode !== 0) {
    problems.push(
      `${shell.host}: cannot read the journal of ${unit} (exit ${journal.exitCode}): ${journal.stderr.trim()}`,
    );
    return problems;
  }
  const errors = findJournalErrors(journal.stdout, ctx.service.verify.logErrorPattern);
  if (errors.length > 0) {
    await ctx.detail(
      `${shell.host}: ${errors.length} journal line(s) of ${unit} look like errors:\n${errors.join('\n')}`,
    );
    problems.push(...errors.map((line) => `${shell.host}: ${line}`));
  } else {
    await ctx.detail(`${shell.host}: journal of ${unit} is clean`);
  }
  return problems;
}

async function checkHealthWithRetries(
  ctx: StepContext,
  url: string,
  expectStatus: number,
  options: HostVerifyStepOptions,
): Promise<string | undefined> {
  const attempts = Math.max(1, options.deps.healthRetry?.attempts ?? 5);
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const health = await checkHealth(url, expectStatus, { signal: ctx.signal });
    if (health.ok) {
      await ctx.detail(`health ${url}: ${health.status} (${health.durationMs} ms)`);
      return undefined;
    }
    last = `health ${url}: ${health.status ?? 'no answer'} instead of ${expectStatus}: ${health.body.slice(0, 200)}`;
    if (attempt < attempts) await sleep(options.deps.healthRetry?.intervalMs ?? 2_000, ctx.signal);
  }
  await ctx.detail(last);
  return last;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
