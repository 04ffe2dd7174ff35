import type { AppConfig } from '../main/app-config.js';
import type { Requester } from '../rollback/progress-snapshot.js';
import type { CliIo } from './cli-io.js';
import type { NodeRuntime } from './semi-space.js';

/** What every CLI command gets from the composition (main.ts): config on demand, output, the user. */
export interface CliContext {
  /** Reads the environment (through loadAppConfig) the first time a command needs it. */
  config(): AppConfig;
  io: CliIo;
  requester: Requester;
  /** The Node process the CLI runs in (`serve` restarts itself with the bot's memory flags); absent, as it is. */
  runtime?: NodeRuntime;
}
