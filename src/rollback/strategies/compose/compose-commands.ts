import type { ComposeSection } from '../../../config/strategies/compose-schema.js';

const base = (c: ComposeSection): string[] => ['docker', 'compose', '-f', c.file, '-p', c.project];

export const imagesArgv = (c: ComposeSection): string[] => [
  ...base(c),
  'images',
  '--format',
  'json',
  c.service,
];
export const configArgv = (c: ComposeSection): string[] => [...base(c), 'config', '--quiet'];
export const pullArgv = (c: ComposeSection, tag: string): string[] => ['docker', 'pull', `${c.image}:${tag}`];
export const downArgv = (c: ComposeSection): string[] => [...base(c), 'down'];
export const upArgv = (c: ComposeSection): string[] => [...base(c), 'up', '-d'];
export const localImagesArgv = (c: ComposeSection): string[] => [
  'docker',
  'image',
  'ls',
  '--format',
  'json',
  c.image,
];

/** The environment `down`/`up` run with: the tag variable the compose file reads. */
export const tagEnv = (c: ComposeSection, tag: string): Record<string, string> => ({ [c.tagVariable]: tag });

/** The commands of one host's change, in order, with the environment each needs. */
export function composeChangeCommands(
  c: ComposeSection,
  tag: string,
): { argv: string[]; env?: Record<string, string>; what: string }[] {
  return [
    { argv: pullArgv(c, tag), what: `pull ${c.image}:${tag}` },
    { argv: downArgv(c), env: tagEnv(c, tag), what: `stop the compose project ${c.project}` },
    {
      argv: upArgv(c),
      env: tagEnv(c, tag),
      what: `start the compose project ${c.project} with ${c.tagVariable}=${tag}`,
    },
  ];
}
