import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: this file sits at src/transport/console/ (tsx) or dist/transport/console/ (built),
 * three levels below it either way.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The console's CSS and script, served from the source tree in both cases (no copy step at build). */
export const CONSOLE_ASSETS_DIR = join(PACKAGE_ROOT, 'src', 'transport', 'console', 'assets');

const TYPES: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

export interface ConsoleAsset {
  body: string;
  type: string;
}

/** Reads every asset once, at start-up: a missing file stops the bot with its path instead of a broken page. */
export async function loadConsoleAssets(
  dir: string = CONSOLE_ASSETS_DIR,
): Promise<Map<string, ConsoleAsset>> {
  const assets = new Map<string, ConsoleAsset>();
  for (const [name, type] of Object.entries(TYPES)) {
    const path = join(dir, name);
    try {
      assets.set(name, { body: await readFile(path, 'utf8'), type });
    } catch (error) {
      throw new Error(
        `The web console's ${name} is missing at ${path}; run the bot from the package directory.`,
        {
          cause: error,
        },
      );
    }
  }
  return assets;
}
