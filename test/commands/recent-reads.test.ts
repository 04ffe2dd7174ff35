import { describe, expect, it } from 'vitest';
import { recentReads } from '../../src/commands/recent-reads.js';

describe('recentReads: one read per key for a few seconds (the versions behind a storm of incident announcements)', () => {
  function counted(answer: (key: string, n: number) => Promise<string>) {
    const calls: string[] = [];
    let clock = 1_000;
    const read = recentReads(
      (key) => {
        calls.push(key);
        return answer(key, calls.length);
      },
      5_000,
      () => clock,
    );
    return { read, calls, advance: (ms: number) => (clock += ms) };
  }

  it('fifty announcements on one service at once read its versions once; another service is read apart', async () => {
    const { read, calls } = counted(async (key, n) => `${key} listing #${n}`);
    const answers = await Promise.all(Array.from({ length: 50 }, () => read('kaizen')));
    expect(new Set(answers)).toEqual(new Set(['kaizen listing #1']));
    expect(await read('billing')).toBe('billing listing #2');
    expect(calls).toEqual(['kaizen', 'billing']);
  });

  it('reads again once the time is up, so a new deploy shows within seconds', async () => {
    const { read, calls, advance } = counted(async (key, n) => `${key} #${n}`);
    expect(await read('kaizen')).toBe('kaizen #1');
    advance(4_999);
    expect(await read('kaizen')).toBe('kaizen #1');
    advance(1);
    expect(await read('kaizen')).toBe('kaizen #2');
    expect(calls).toHaveLength(2);
  });

  it('a cluster that does not answer is asked once for the storm, not once per incident, and again later', async () => {
    const { read, calls, advance } = counted(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const answers = await Promise.allSettled(Array.from({ length: 20 }, () => read('kaizen')));
    expect(answers.every((a) => a.status === 'rejected')).toBe(true);
    expect(calls).toHaveLength(1);
    advance(5_000);
    await expect(read('kaizen')).rejects.toThrow('ECONNREFUSED');
    expect(calls).toHaveLength(2);
  });
});
