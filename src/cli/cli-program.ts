import { Command, Option } from 'commander';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { BUNDLE_DIFF_HELP, runBundleDiff, type BundleDiffOptions } from './run-bundle-diff.js';
import { runConfigCheck } from './run-config-check.js';
import { runQueryCommand } from './run-query-command.js';
import { runRollbackCommand, type RollbackOptions } from './run-rollback-command.js';
import { runServe } from './run-serve.js';

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
    .option('--follow', 'show live progress until the rollback ends; exit code tells the outcome')
    .option('--json', 'machine output: the plan as JSON, or with --follow one JSON snapshot per line')
    .addHelpText(
      'after',
      '\nExamples:\n  rollback-bot rollback kaizen v0.7.0 --reason "5xx after v0.8.0" --follow\n  rollback-bot rollback kaizen --dry-run',
    )
    .action((service: string, version: string | undefined, options: RollbackOptions) =>
      run(() => runRollbackCommand(service, version, options, context))(),
    );

  program
    .command('status')
    .description('where a rollback stands, or the recent rollbacks')
    .argument('[job]', 'job id')
    .option('--json', 'print the answer as JSON')
    .action((job: string | undefined, options: { json?: boolean }) =>
      run(() => runQueryCommand('status', job === undefined ? [] : [job], options, context))(),
    );
  program
    .command('history')
    .description('the last rollbacks of a service')
    .argument('<service>')
    .option('--json', 'print the answer as JSON')
    .action((service: string, options: { json?: boolean }) =>
      run(() => runQueryCommand('history', [service], options, context))(),
    );
  program
    .command('versions')
    .description('the versions a service can go back to')
    .argument('<service>')
    .option('--json', 'print the answer as JSON')
    .action((service: string, options: { json?: boolean }) =>
      run(() => runQueryCommand('versions', [service], options, context))(),
    );
  program
    .command('cancel')
    .description('ask a running rollback to stop at its next safe point')
    .argument('<job>', 'job id')
    .action((job: string) => run(() => runQueryCommand('cancel', [job], {}, context))());

  const config = program.command('config').description('configuration tools');
  config
    .command('check')
    .description('validate the environment and the service catalog; print each problem with file and field')
    .addOption(new Option('--print', 'on success, print the whole configuration with secrets redacted'))
    .action((options: { print?: boolean }) => run(() => runConfigCheck(options, context))());

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
      run(() => runBundleDiff(a, b, options, context.io))(),
    );

  program
    .command('serve')
    .description('start the bot (HTTP, Slack or the local console, worker) as npm start does')
    .action(() => run(() => runServe(context))());

  return program;
}

/** commander's own outcomes: help and version are fine (0), anything else is bad usage (2). */
export function commanderExitCode(code: string): ExitCode {
  return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(code)
    ? EXIT.ok
    : EXIT.refused;
}
