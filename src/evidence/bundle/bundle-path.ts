/**
 * A safe path inside a bundle: relative, `/`-separated, no `.`/`..` segments, only characters that need no
 * quoting in a shell, a URL or a file name (others become `_`).
 */
export function bundlePath(...segments: string[]): string {
  const parts = segments
    .flatMap((segment) => segment.split('/'))
    .map((part) => part.replace(/[^A-Za-z0-9._@+-]/g, '_'))
    .filter((part) => part !== '' && part !== '.' && part !== '..')
    .map((part) => (/^\.+$/.test(part) ? '_' : part));
  if (parts.length === 0) throw new Error('empty bundle path');
  return parts.join('/');
}

/** True for a path {@link bundlePath} could have made (what a reader accepts from a tar). */
export function isBundlePath(path: string): boolean {
  return path !== '' && path.length <= 512 && bundlePath(path) === path;
}
