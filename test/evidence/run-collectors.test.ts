import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors/rollback-error.js';
import type { EvidenceCollector } from '../../src/evidence/collectors/evidence-collector.js';
import { runCollectors } from '../../src/evidence/collectors/run-collectors.js';
import { LocalCommandRunner } from '../../src/targets/shell/local-command-runner.js';

const ok = (name: string): EvidenceCollector => ({
  name,
  collect: () => Promise.resolve({ files: [{ path: `${name}/out.txt`, content: name }] }),
});
/** Runs a real `sleep`: its signal must stop it. */
const sleeper: EvidenceCollector = {
  name: 'sleeper',
  async collect(context) {
    const result = await new LocalCommandRunner().run(['sleep', '30'], {
      timeoutMs: 60_000,
      signal: context.signal,
    });
    return { files: [{ path: 'sleeper.txt', content: String(result.exitCode) }] };
  },
};
/** Ignores its signal altogether. */
const stuck: EvidenceCollector = { name: 'stuck', collect: () => new Promise(() => undefined) };
const broken: EvidenceCollector = {
  name: 'broken',
  collect: () => Promise.reject(new Error('journalctl exited 1')),
};

describe('runCollectors', () => {
  it('records failures and timeouts per collector and keeps the others', async () => {
    const result = await runCollectors([ok('a'), broken, sleeper, stuck, ok('b')], {
      timeoutMs: 300,
      now: new Date(),
    });
    expect(result.files.map((f) => f.path)).toEqual(['a/out.txt', 'b/out.txt']);
    expect(result.records.map(({ name, ok: fine, error }) => ({ name, ok: fine, error }))).toEqual([
      { name: 'a', ok: true, error: undefined },
      { name: 'broken', ok: false, error: 'journalctl exited 1' },
      { name: 'sleeper', ok: false, error: 'timed out after 300 ms' },
      { name: 'stuck', ok: false, error: 'timed out after 300 ms' },
      { name: 'b', ok: true, error: undefined },
    ]);
  });

  it('stops every collector when the caller cancels, and says so', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      runCollectors([sleeper, stuck], { timeoutMs: 60_000, now: new Date(), signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
