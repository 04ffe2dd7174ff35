import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { CliExit, EXIT } from './exit-codes.js';

/** Names the env file when `--env` is not given. */
export const ENV_FILE_VARIABLE = 'ROLLBACK_BOT_ENV_FILE';

export type Environment = Record<string, string | undefined>;

/**
 * The environment the CLI configures itself from: the process environment, plus the variables of an env
 * file (`--env <file>`, else $ROLLBACK_BOT_ENV_FILE) that the environment does not already set. As
 * with `node --env-file`, a variable set in the shell wins over the file. The file uses the `.env` syntax
 * (`KEY=value`, `# comments`, quoted values), parsed by Node's own `util.parseEnv`.
 */
export function cliEnvironment(processEnv: Environment, envFile: string | undefined): Environment {
  const path = envFile ?? (processEnv[ENV_FILE_VARIABLE] || undefined);
  if (path === undefined) return processEnv;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new CliExit(
      EXIT.refused,
      [
        `✖ Cannot read the env file ${path}${why ? `: ${why}` : ''}.`,
        `  Hint: pass an existing file with --env (or ${ENV_FILE_VARIABLE}); \`npm run demo\` writes .data/demo/demo.env.`,
      ].join('\n'),
    );
  }
  const fromFile = parseEnv(text);
  return { ...fromFile, ...processEnv };
}
