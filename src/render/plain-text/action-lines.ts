import type { PlannedAction } from '../../rollback/plan.js';

/**
 * A plan's changes as lines of text, grouped by where they run: a `# target` line before each group, a
 * blank line between groups. Slack (a code block) and the console (a `<pre>`) show the same lines; each
 * escapes them its own way.
 */
export function actionLines(actions: readonly PlannedAction[]): string[] {
  const lines: string[] = [];
  let lastTarget: string | undefined;
  for (const action of actions) {
    if (action.target !== lastTarget) {
      if (lastTarget !== undefined) lines.push('');
      lines.push(`# ${action.target}`);
      lastTarget = action.target;
    }
    lines.push(action.description);
  }
  return lines;
}
