/** "[██████░░░░░░░░░░░░░░] 2/5": finished steps out of all, as a bar of `width` cells. */
export function progressBar(finished: number, total: number, width = 24): string {
  const ratio = total <= 0 ? 0 : Math.min(1, Math.max(0, finished / total));
  const full = Math.round(ratio * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${finished}/${total}`;
}

/** "0:42", "12:05", "1:02:03": a stopwatch reading. */
export function stopwatch(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
