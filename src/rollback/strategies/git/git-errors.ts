import { InputError, PermanentError } from '../../../errors/rollback-error.js';

/** Refusal for a work tree with local changes: names the files and how to clear them. */
export function workTreeModified(
  host: string,
  path: string,
  porcelain: readonly string[],
  kind: 'input' | 'permanent',
): InputError | PermanentError {
  const files = porcelain.map((line) => line.slice(3));
  const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
  const message = `${path} on ${host} has local modifications (${shown}); refusing to check out over them`;
  const options = {
    details: porcelain.slice(0, 50),
    hint: `Someone changed files on the host. Look at \`git -C ${path} diff\` there, then commit, stash (\`git -C ${path} stash\`) or discard them, and ask again.`,
  };
  return kind === 'input'
    ? new InputError('work_tree_modified', message, options)
    : new PermanentError('work_tree_modified', message, options);
}
