import { z } from 'zod';
import type { ComposeSection } from '../../../config/strategies/compose-schema.js';
import { PermanentError } from '../../../errors/rollback-error.js';
import type { CommandRunner } from '../../ports/command-runner.js';
import { runChecked } from '../host/run-checked.js';
import { imagesArgv, localImagesArgv } from './compose-commands.js';

const READ_TIMEOUT_MS = 60_000;
const imageRow = z.object({ Repository: z.string(), Tag: z.string() }).loose();
const localImageRow = z
  .object({ Repository: z.string(), Tag: z.string(), CreatedAt: z.string().default('') })
  .loose();

/** Compose prints one JSON array; older docker CLIs print one JSON object per line. */
function parseJsonRows(stdout: string): unknown[] {
  const text = stdout.trim();
  if (text === '') return [];
  if (text.startsWith('[')) return JSON.parse(text) as unknown[];
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function parseRows<T>(stdout: string, schema: z.ZodType<T>, command: string): T[] {
  try {
    return z.array(schema).parse(parseJsonRows(stdout));
  } catch (error) {
    throw new PermanentError('docker_bad_output', `\`${command}\` printed something unexpected.`, {
      cause: error,
      details: [stdout.slice(0, 500)],
    });
  }
}

/** The tag of the image the compose service's container runs (`docker compose images`); null: not running. */
export async function readRunningTag(
  runner: CommandRunner,
  host: string,
  compose: ComposeSection,
  signal?: AbortSignal,
): Promise<string | null> {
  const result = await runChecked(runner, host, {
    argv: imagesArgv(compose),
    timeoutMs: READ_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    what: `read the image of compose service ${compose.service}`,
    code: 'compose_images_failed',
    hint: `Nothing was changed by this command. Run \`docker compose -f ${compose.file} images\` on ${host} (is docker running, can the user reach it?).`,
  });
  const rows = parseRows(result.stdout, imageRow, 'docker compose images');
  return rows.find((r) => r.Repository === compose.image)?.Tag ?? null;
}

/** Tags of the image present on the host, most recently created first ("recently deployed"). */
export async function readLocalTags(
  runner: CommandRunner,
  host: string,
  compose: ComposeSection,
  signal?: AbortSignal,
): Promise<string[]> {
  const result = await runChecked(runner, host, {
    argv: localImagesArgv(compose),
    timeoutMs: READ_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    what: `list the local images of ${compose.image}`,
    code: 'docker_images_failed',
    hint: `Nothing was changed by this command. Run \`docker image ls ${compose.image}\` on ${host}.`,
  });
  return parseRows(result.stdout, localImageRow, 'docker image ls')
    .filter((r) => r.Repository === compose.image && r.Tag !== '<none>')
    .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))
    .map((r) => r.Tag);
}
