import { z } from 'zod';
import { durationSeconds } from '../duration-schema.js';
import { unitName } from './apt-schema.js';

/** Docker image tags: the registry's grammar (no leading dash or dot). */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The `compose:` section of a service YAML: roll back a Docker Compose service (host runbook, Option C). */
export const composeSectionSchema = z
  .object({
    /** Absolute path of the compose file on each host (`docker compose -f`). */
    file: z.string().regex(/^\/[A-Za-z0-9._/@+-]{1,1023}$/, 'must be an absolute path without spaces'),
    /** Compose project name (`-p`). */
    project: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a compose project name'),
    /** The compose service whose image is rolled back. */
    service: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be a compose service name'),
    /** Image repository without tag ("registry.example.com/kaizen"). */
    image: z.string().regex(/^[a-z0-9][a-z0-9._\-/:]{0,254}$/, 'must be an image repository without a tag'),
    /** The variable the compose file reads the tag from (`image: registry/kaizen:${TAG}`). */
    tagVariable: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be an upper-case variable name')
      .default('TAG'),
    /** Tags users may roll back to, newest first; tags of images present on the hosts are offered too. */
    tags: z.array(z.string().regex(IMAGE_TAG_PATTERN, 'must be a Docker image tag')).default([]),
    /** A systemd unit that runs the stack, if any: checked after the change (active, journal clean). */
    unit: unitName.optional(),
    /** Time allowed for each of pull, down and up on one host. */
    timeout: durationSeconds.default(300),
  })
  .strict();
export type ComposeSection = z.output<typeof composeSectionSchema>;
