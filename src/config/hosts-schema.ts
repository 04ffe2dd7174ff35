import { z } from 'zod';

/**
 * An SSH destination as `ssh` takes it ("web-1", "deploy@web-1.example.com", "10.0.0.5"), or "local".
 * No leading dash (it would be read as an option) and no spaces or shell characters.
 */
export const SSH_DESTINATION_PATTERN =
  /^(?:[A-Za-z0-9._][A-Za-z0-9._-]{0,63}@)?[A-Za-z0-9_][A-Za-z0-9._:-]{0,252}$/;

export const hostEntrySchema = z
  .object({
    /** "local" (the worker's own host) or an SSH destination ("deploy@web-1"). */
    name: z
      .string()
      .regex(
        SSH_DESTINATION_PATTERN,
        'must be "local" or an SSH destination like deploy@web-1 (no spaces, no leading "-")',
      ),
    /** SSH port; omitted: ssh's default (22 or ~/.ssh/config). */
    port: z.number().int().min(1).max(65535).optional(),
    /** Private key file on the worker, for `ssh -i`. */
    identityFile: z
      .string()
      .min(1)
      .regex(/^[^-\s][^\n\r]*$/, 'must be a file path (no leading "-", no line breaks)')
      .optional(),
  })
  .strict();

/**
 * The `hosts:` section of a service YAML: where the host strategies (git, files, apt, yum, compose, helm)
 * run their commands. Omitted: the worker's own host only.
 */
export const hostsSectionSchema = z
  .array(hostEntrySchema)
  .min(1)
  .refine((hosts) => new Set(hosts.map((h) => h.name)).size === hosts.length, 'host names must be unique')
  .default([{ name: 'local' }]);
export type HostsSection = z.output<typeof hostsSectionSchema>;

/**
 * The `rollout:` section of a service YAML, next to `hosts:`: how many hosts a host step changes at once.
 * `parallel: 1` (the default) goes one host at a time and stops at the first failure.
 */
export const rolloutSectionSchema = z
  .object({
    parallel: z.number().int().min(1).max(64).default(1),
  })
  .strict()
  .default({ parallel: 1 });
export type RolloutSection = z.output<typeof rolloutSectionSchema>;

/** An absolute path on the host, as one argv element: no line breaks, never read as an option. */
export const hostPathSchema = z
  .string()
  .regex(/^\/[^\0\r\n]*$/, 'must be an absolute path (starting with "/", no line breaks)')
  .transform((path) => (path.length > 1 ? path.replace(/\/+$/, '') : path));

/** A systemd unit name ("app.service", "worker@1.service"). */
export const UNIT_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9@._:\\-]{0,255}$/;
export const unitNameSchema = z
  .string()
  .regex(UNIT_NAME_PATTERN, 'must be a systemd unit name like app.service');
