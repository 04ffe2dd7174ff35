/**
 * A read by key, shared for `ttlMs`: calls for the same key within that time get the same answer (the
 * first call's promise, settled or not), whether it succeeded or failed; after it the next call reads again.
 * For a storm of incidents on one service, whose announcements would otherwise each list the versions
 * (cluster and audit reads), and each wait out the same unreachable cluster.
 */
export function recentReads<T>(
  read: (key: string) => Promise<T>,
  ttlMs: number,
  now: () => number = Date.now,
): (key: string) => Promise<T> {
  const recent = new Map<string, { at: number; answer: Promise<T> }>();
  return (key) => {
    const at = now();
    const hit = recent.get(key);
    if (hit && at - hit.at < ttlMs) return hit.answer;
    for (const [other, entry] of recent) if (at - entry.at >= ttlMs) recent.delete(other);
    const answer = read(key);
    // A failure is an answer too; the caller sees it, nothing else awaits it.
    answer.catch(() => undefined);
    recent.set(key, { at, answer });
    return answer;
  };
}
