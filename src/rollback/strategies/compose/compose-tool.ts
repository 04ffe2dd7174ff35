import type { ComposeSection } from '../../../config/strategies/compose-schema.js';
import type { HostChangeTool, HostTarget } from '../host/host-change.js';
import { runChecked } from '../host/run-checked.js';
import { composeChangeCommands, configArgv, tagEnv } from './compose-commands.js';
import { readRunningTag } from './read-compose.js';

/** docker compose images to read; docker pull, compose down, compose up -d to change (host runbook, Option C). */
export function composeTool(compose: ComposeSection, tag: string): HostChangeTool<HostTarget> {
  const upByHand = `\`${compose.tagVariable}=${tag} docker compose -f ${compose.file} -p ${compose.project} up -d\``;
  const hints = (host: string): string[] => [
    `Nothing was changed on ${host}: the old containers still run. Check that ${compose.image}:${tag} exists and ${host} can pull it (docker login).`,
    `The project may be partly stopped on ${host}. Run \`docker compose -f ${compose.file} -p ${compose.project} ps\` there, then ${upByHand} (or the same with the old tag).`,
    `The project is DOWN on ${host}. Read \`docker compose -f ${compose.file} -p ${compose.project} logs\` there; start it with ${upByHand} or with the old tag.`,
  ];
  return {
    name: 'compose',
    targetLabel: `${compose.image}:${tag}`,
    readVersion: (runner, host, signal) => readRunningTag(runner, host.name, compose, signal),
    isDone: (_target, current) => current === tag,
    async precheck(runner, host, _target, signal) {
      await runChecked(runner, host.name, {
        argv: configArgv(compose),
        env: tagEnv(compose, tag),
        timeoutMs: 60_000,
        signal,
        what: `check the compose file ${compose.file} with ${compose.tagVariable}=${tag}`,
        code: 'compose_config_invalid',
        hint: `Nothing was changed. Fix the compose file on ${host.name} (does it read \${${compose.tagVariable}}?).`,
      });
      return `${compose.file} is valid with ${compose.tagVariable}=${tag}`;
    },
    async change(runner, host, _target, signal) {
      for (const [index, command] of composeChangeCommands(compose, tag).entries()) {
        await runChecked(runner, host.name, {
          argv: command.argv,
          ...(command.env ? { env: command.env } : {}),
          timeoutMs: compose.timeout * 1000,
          signal,
          what: command.what,
          code: 'compose_change_failed',
          hint: hints(host.name)[index] ?? '',
        });
      }
    },
  };
}
