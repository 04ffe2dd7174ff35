import type { RolloutDiagnosis } from './rollout-diagnosis.js';

/**
 * The diagnosis as one thread message: the headline, each section under its title (log lines indented as
 * they are), then the runbook's advice. Sections with nothing to say are left out.
 */
export function formatDiagnosis(diagnosis: RolloutDiagnosis): string {
  const lines = [`Diagnosis: ${diagnosis.headline}`];
  for (const section of diagnosis.sections) {
    if (section.lines.length === 0) continue;
    lines.push('', `${section.title}:`, ...section.lines.map((line) => `  ${line}`));
  }
  lines.push('', `What to do: ${diagnosis.hint}`);
  return lines.join('\n');
}
