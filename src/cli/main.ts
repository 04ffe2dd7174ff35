#!/usr/bin/env node
import { CommanderError } from 'commander';
import { kubeConfigEnvironmentOf, loadAppConfig, type AppConfig } from '../main/app-config.js';
import { cliEnvironment } from './cli-environment.js';
import { processIo } from './cli-io.js';
import { commanderExitCode, createCliProgram } from './cli-program.js';
import { CliExit, EXIT, type ExitCode } from './exit-codes.js';
import { localRequester } from './local-requester.js';
import type { NodeRuntime } from './semi-space.js';

/** `rollback-bot`: the CLI's composition root and the only CLI module that reads process.env. */
async function main(): Promise<ExitCode> {
  const io = processIo();
  let config: AppConfig | undefined;
  let code: ExitCode = EXIT.ok;
  const program = createCliProgram(
    {
      io,
      requester: localRequester(),
      runtime: {
        execPath: process.execPath,
        execArgv: process.execArgv,
        argv: process.argv,
        nodeOptions: process.env['NODE_OPTIONS'],
        execve: execveOf(process),
      },
      // Read when a command first needs it, after commander has parsed --env. The Kubernetes client reads
      // its variables from the process itself, so an env file does not change where it looks.
      config: () =>
        (config ??= {
          ...loadAppConfig(cliEnvironment(process.env, program.opts<{ env?: string }>().env)),
          kubeEnvironment: kubeConfigEnvironmentOf(process.env),
        }),
    },
    (exit) => (code = exit),
  );
  try {
    await program.parseAsync(process.argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error.code);
    if (error instanceof CliExit) {
      io.err(error.message);
      return error.code;
    }
    if (error instanceof Error && error.name === 'ConfigError') {
      io.err(`✖ ${error.message}\n  See .env.example for every variable.`);
      return EXIT.refused;
    }
    io.err(`✖ ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

/** `process.execve` where Node has it (22.15+ on POSIX; Node 20's types do not know it). */
function execveOf(node: NodeJS.Process): NodeRuntime['execve'] {
  const execve = (node as { execve?: (file: string, args: string[]) => never }).execve;
  return typeof execve === 'function' ? execve.bind(node) : undefined;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(EXIT.failed),
);
