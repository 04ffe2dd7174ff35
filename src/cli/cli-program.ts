import { Command, Option } from 'commander';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { BUNDLE_DIFF_HELP, type BundleDiffOptions } from './bundle-diff-help.js';
import type { RollbackOptions } from './run-rollback-command.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  done; with --follow, the rollback succeeded
  1  the rollback failed (--follow), or config check found problems
  2  refused: bad input, approval required, or no plan could be made; nothing changed
  3  the rollback was cancelled (--follow)
  4  Redis (the job queue) could not be reached
  130  stopped following with Ctrl-C; the rollback goes on`;

/**
 * The `rollback-bot` command line. Each action resolves to an exit code that `run` reports through
 * `setExit`; commander itself never exits the process (exitOverride), so bad usage is exit 2 too.
 * Each command's module is imported when that command runs, so `--help` and `config check` do not load
 * the queue, Slack and Kubernetes clients.
 */
export function createCliProgram(context: CliContext, setExit: (code: ExitCode) => void): Command {
  const program = new Command('rollback-bot')
    .description(
      'Roll a deployment back from a terminal: the same plans, queue, permissions and audit as /rollback in Slack.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.out(text.trimEnd()),
      writeErr: (text) => context.io.err(text.trimEnd()),
    })
    // Not `--env-file`: Node 20 exits ("node: x: not found") on a script argument of that name whose file
    // is missing, before this program runs (nodejs/node#54232).
    .option(
      '--env <file>',
      'read the configuration from this env file too (KEY=value lines, as in .env.example); variables set in the shell win. Default: $ROLLBACK_BOT_ENV_FILE',
    )
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  const run = (work: () => Promise<ExitCode>) => async () => setExit(await work());

  program
    .command('rollback')
    .description('roll a service back to a version (default: the previous revision)')
    .argument('<service>', 'service name from the catalog')
    .argument('[version]', 'version or tag to go back to, "previous" or revision:N')
    .option('--to-revision <n>', 'roll back to revision N')
    .option('--dry-run', 'show the plan and the exact changes; change nothing')
    .option('--reason <text>', 'why: shown in the status message, the report and the audit log')
    .option('--strategy <name>', 'another strategy the service configures')
    .option('--break-glass', 'skip approval (needs --reason; audited and announced in the channel)')
    .option('--force', 'roll back although a CD system (Argo CD, Flux) will put the bad version back')
    .option('--recover', 'Helm release stuck in pending-*: helm rollback to its last good revision')
    .option('--forward', 'allow a target newer than the current version (marked in the plan, audited)')
    .option('--allow-unlisted', 'allow a version that never ran here but is in the image registry (audited)')
    .option('--follow', 'show live progress until the rollback ends; exit code tells the outcome')
    .option('--json', 'machine output: the plan as JSON, or with --follow one JSON snapshot per line')
    .addHelpText(
      'after',
      '\nExamples:\n  rollback-bot rollback kaizen v0.7.0 --reason "5xx after v0.8.0" --follow\n  rollback-bot rollback kaizen --dry-run',
    )
    .action((service: string, version: string | undefined, options: RollbackOptions) =>
      run(async () => {
        const { runRollbackCommand } = await import('./run-rollback-command.js');
        return runRollbackCommand(service, version, options, context);
      })(),
    );

  addQueryCommands(program, context, run);

  const config = program.command('config').description('configuration tools');
  config
    .command('check')
    .description('validate the environment and the service catalog; print each problem with file and field')
    .addOption(new Option('--print', 'on success, print the whole configuration with secrets redacted'))
    .action((options: { print?: boolean }) =>
      run(async () => (await import('./run-config-check.js')).runConfigCheck(options, context))(),
    );

  program
    .command('bundle')
    .description('evidence bundle tools')
    .command('diff')
    .description('compare two evidence bundles (.tar.gz): summary, or the full diff')
    .argument('<a>', 'the earlier bundle (the baseline)')
    .argument('<b>', 'the later bundle')
    .option('--full', 'print the full diff after the summary')
    .option('--json', 'print the diff as JSON')
    .addHelpText('after', BUNDLE_DIFF_HELP)
    .action((a: string, b: string, options: BundleDiffOptions) =>
      run(async () => (await import('./run-bundle-diff.js')).runBundleDiff(a, b, options, context.io))(),
    );

  program
    .command('postmortem')
    .description(
      'print the post-mortem draft of a rollback (Markdown): timeline, versions, evidence, checklists',
    )
    .argument('<job>', 'job id')
    .action((job: string) =>
      run(async () => (await import('./run-postmortem.js')).runPostmortem(job, context))(),
    );

  program
    .command('serve')
    .description('start the bot (HTTP, Slack or the local console, worker) as npm start does')
    .action(() => run(async () => (await import('./run-serve.js')).runServe(context))());

  return program;
}

type Run = (work: () => Promise<ExitCode>) => () => Promise<void>;

/** status, history, versions, cancel, snapshot: the query commands, through the shared command handler. */
function addQueryCommands(program: Command, context: CliContext, run: Run): void {
  program
    .command('status')
    .description('where a rollback stands, or the recent rollbacks')
    .argument('[job]', 'job id')
    .option('--json', 'print the answer as JSON')
    .action((job: string | undefined, options: { json?: boolean }) =>
      run(() => query('status', job === undefined ? [] : [job], options, context))(),
    );
  program
    .command('history')
    .description('the last rollbacks of a service')
    .argument('<service>')
    .option('--json', 'print the answer as JSON')
    .action((service: string, options: { json?: boolean }) =>
      run(() => query('history', [service], options, context))(),
    );
  program
    .command('versions')
    .description('the versions a service can go back to')
    .argument('<service>')
    .option('--json', 'print the answer as JSON')
    .action((service: string, options: { json?: boolean }) =>
      run(() => query('versions', [service], options, context))(),
    );
  program
    .command('cancel')
    .description('ask a running rollback to stop at its next safe point')
    .argument('<job>', 'job id')
    .action((job: string) => run(() => query('cancel', [job], {}, context))());
  program
    .command('snapshot')
    .description('take an evidence bundle of a service now (a deploy pipeline: --label pre-deploy)')
    .argument('<service>')
    .option(
      '--label <label>',
      'the bundle label: pre-deploy is the baseline rollbacks compare with',
      'snapshot',
    )
    .option('--json', 'print the answer as JSON')
    .action((service: string, options: { label: string; json?: boolean }) =>
      run(() => query('snapshot', [service, { option: '--label' }, options.label], options, context))(),
    );
}

async function query(
  ...args: Parameters<typeof import('./run-query-command.js').runQueryCommand>
): Promise<ExitCode> {
  const { runQueryCommand } = await import('./run-query-command.js');
  return runQueryCommand(...args);
}

/** commander's own outcomes: help and version are fine (0), anything else is bad usage (2). */
export function commanderExitCode(code: string): ExitCode {
  return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(code)
    ? EXIT.ok
    : EXIT.refused;
}
