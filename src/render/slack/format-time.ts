/** "42 s", "2 min 5 s", "1 h 3 min": how long something took, for people. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Milliseconds between two ISO times, or undefined when either is missing or unreadable. */
export function elapsedMs(startIso: string | undefined, endIso: string | undefined): number | undefined {
  if (startIso === undefined || endIso === undefined) return undefined;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A Slack date token: each reader sees the time in their own time zone; clients that cannot format it
 * show the UTC fallback. Depends only on its input, so rendering stays deterministic.
 */
export function slackTime(
  iso: string,
  format: '{time_secs}' | '{date_short} {time}' = '{time_secs}',
): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso.replace(/[<>&|]/g, '');
  const utc = new Date(ms).toISOString();
  const fallback =
    format === '{time_secs}' ? `${utc.slice(11, 19)} UTC` : `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}
