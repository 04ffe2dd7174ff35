import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering is enforced by `npm run lint` (eslint.config.js). These cases keep the rule itself honest:
// if it is loosened or dropped, a domain file importing an adapter would pass lint and this test fails.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ['targets', "import { quoteForRemoteShell } from '../../../targets/shell/ssh-command-runner.js';"],
    ['stores', "import type { RedisKeys } from '../../../stores/redis-keys.js';"],
    ['queue', "import { ROLLBACK_QUEUE } from '../../../queue/bullmq-rollback-queue.js';"],
    ['render', "import { renderPlan } from '../../../render/slack/render-plan.js';"],
    ['commands', "import { CommandHandler } from '../../../commands/command-handler.js';"],
    ['metrics', "import { Metrics } from '../../../observability/metrics.js';"],
    ['node:fs', "import { readFile } from 'node:fs/promises';"],
    ['execa', "import { execa } from 'execa';"],
    ['ioredis', "import type { Redis } from 'ioredis';"],
    ['bullmq', "import { Queue } from 'bullmq';"],
    ['slack', "import { App } from '@slack/bolt';"],
    ['the Kubernetes client', "import { KubeConfig } from '@kubernetes/client-node';"],
  ])('refuses a domain file that imports %s', async (_what, code) => {
    const messages = await restrictedImports('src/rollback/strategies/host/probe.ts', code);
    expect(messages).toHaveLength(1);
  });

  it('lets the domain use Kubernetes object types, its own ports, config and the logger', async () => {
    const code = [
      "import type { V1Deployment } from '@kubernetes/client-node';",
      "import type { CommandRunner } from '../../ports/command-runner.js';",
      "import type { ServiceConfig } from '../../../config/service-schema.js';",
      "import type { Logger } from '../../../observability/logger.js';",
      "import { PermanentError } from '../../../errors/rollback-error.js';",
    ].join('\n');
    expect(await restrictedImports('src/rollback/strategies/host/probe.ts', code)).toEqual([]);
  });

  it('keeps config below the domain and the commands, and layers pointing down only', async () => {
    expect(
      await restrictedImports('src/config/probe.ts', "import { InputError } from '../rollback/plan.js';"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('src/config/probe.ts', "import { USAGE } from '../commands/usage.js';"),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src/targets/shell/probe.ts',
        "import { RedisKeys } from '../../stores/redis-keys.js';",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src/render/slack/probe.ts',
        "import { x } from '../../transport/http/report-link.js';",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src/transport/http/probe.ts',
        "import { RenderQueue } from '../../queue/render-queue.js';",
      ),
    ).toEqual([]);
  });
});
