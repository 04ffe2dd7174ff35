import { bundlePath } from '../../bundle/bundle-path.js';
import type { EvidenceFile } from '../../bundle/write-bundle.js';
import type { EvidenceCollector } from '../evidence-collector.js';
import { maybeSudo, runOnHost, type HostEvidenceTarget } from './host-command.js';

export const VERSION_PATH = 'version.txt';

/**
 * Files named in `evidence.files` (under `files/<path>`) and `evidence.versionFile` (as `version.txt`), read
 * with `head -c` so a huge file never fills memory. A missing file is a warning; all missing is a failure.
 */
export function filesCollector(
  target: HostEvidenceTarget,
  options: { files: readonly string[]; versionFile: string | undefined; maxBytes: number },
): EvidenceCollector {
  return {
    name: 'files',
    async collect(context) {
      const wanted: { source: string; path: string }[] = [
        ...(options.versionFile === undefined ? [] : [{ source: options.versionFile, path: VERSION_PATH }]),
        ...options.files.map((source) => ({ source, path: bundlePath('files', source) })),
      ];
      const files: EvidenceFile[] = [];
      const warnings: string[] = [];
      for (const { source, path } of wanted) {
        const argv = maybeSudo(target, ['head', '-c', String(options.maxBytes + 1), '--', source]);
        try {
          const result = await runOnHost(target, argv, context);
          files.push({ path, content: result.stdout });
        } catch (error) {
          if (context.signal.aborted) throw error;
          warnings.push(`${source}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (files.length === 0 && wanted.length > 0)
        throw new Error(`no file could be read (${warnings.join('; ')})`);
      return { files, warnings };
    },
  };
}
