import { readFile } from 'node:fs/promises';

/** CPU time the whole machine spent busy so far (all cores; /proc/stat: all but idle and iowait), in ms. */
export async function machineBusyMs(): Promise<number> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]?.trim().split(/\s+/).slice(1) ?? [];
  const ticks = fields.map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  // user nice system idle iowait irq softirq steal: busy = total - idle - iowait (clock ticks of 10 ms).
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) * 10;
}

/** CPU time this process (the bench and its autocannon load) has used so far, in ms. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Measures how much CPU the rest of the machine used while `run` ran: the machine's busy time minus this
 * process's and `own()`'s (the server measured, Redis). In cores (1.0 = one core busy all the time): on a
 * shared 2-core machine, a run during which others used much of it says little.
 */
export async function othersCores<T>(
  own: () => Promise<number>,
  run: () => Promise<T>,
): Promise<{ result: T; others: number }> {
  const [machine, self, mine, started] = [await machineBusyMs(), selfCpuMs(), await own(), Date.now()];
  const result = await run();
  const used = (await machineBusyMs()) - machine - (selfCpuMs() - self) - ((await own()) - mine);
  return { result, others: Math.max(0, used) / Math.max(1, Date.now() - started) };
}
