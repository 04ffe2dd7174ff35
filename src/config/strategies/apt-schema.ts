import { z } from 'zod';
import { durationSeconds } from '../duration-schema.js';
import { unitNameSchema } from '../hosts-schema.js';

/** Package versions as apt and yum print them (epoch, tilde, plus); never an option (no leading dash). */
export const PACKAGE_VERSION_PATTERN = /^(?!-)[A-Za-z0-9._+:~-]{1,128}$/;
/** Debian and RPM package names. */
export const packageName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, 'must be a package name (letters, digits, . _ + -)');
/** A systemd unit name (the host strategies' shared rule). */
export const unitName = unitNameSchema;

/**
 * A package managed by apt or yum (host runbook, Option A): the `apt:` and `yum:` sections share this shape.
 */
export const packageSectionSchema = z
  .object({
    /** The package to downgrade or whose transactions are undone ("kaizen"). */
    package: packageName,
    /** The systemd unit the package runs as; checked after the change (active, journal clean). */
    unit: unitName.optional(),
    /** Run the package manager, systemctl and journalctl through `sudo -n` (passwordless sudo). */
    sudo: z.boolean().default(false),
    /** Restart the unit after the package changed (package scripts do not always do it). */
    restart: z.boolean().default(true),
    /** Time allowed for the change (`apt-get install`, `yum history undo`/`yum downgrade`) on one host. */
    timeout: durationSeconds.default(600),
  })
  .strict();
/** The `apt:` section of a service YAML: roll back a Debian package with apt-get. */
export const aptSectionSchema = packageSectionSchema;
export type AptSection = z.output<typeof aptSectionSchema>;
